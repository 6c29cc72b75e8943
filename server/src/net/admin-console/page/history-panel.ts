import { admin } from './api';
import { cellText, h, replace, shortIdentity } from './dom';
import type { HistoryAnswer } from './types';

/** What a history panel can ask of the view that opened it. */
export interface HistoryActions {
  /** Show the table as of `tick`. */
  viewAt(tick: number): void;
  /** Ask to rewind the world to `tick`. */
  rewindTo(tick: number): void;
}

/**
 * The history of one row (`/admin/history`): every version, newest first, with the change, the
 * reducer call and the sender behind it; each can be shown in the table or rewound to.
 */
export async function renderHistory(
  el: HTMLElement,
  table: string,
  key: string,
  actions: HistoryActions,
): Promise<void> {
  replace(el, h('h2', {}, `History of ${table} ${key}`), h('div', { class: 'muted' }, 'Loading…'));
  let answer: HistoryAnswer;
  try {
    answer = await admin<HistoryAnswer>('history', { table, key });
  } catch (error) {
    return replace(
      el,
      h('h2', {}, `History of ${table} ${key}`),
      h('div', { class: 'error' }, (error as Error).message),
    );
  }
  const columns = [...new Set(answer.versions.flatMap((v) => (v.row === null ? [] : Object.keys(v.row))))];
  replace(
    el,
    h('h2', {}, `History of ${table} ${key}`),
    h(
      'div',
      { class: 'muted', 'data-testid': 'history-count' },
      `${answer.total} version(s)${answer.truncated ? `, the newest ${answer.versions.length} shown` : ''}`,
    ),
    h(
      'table',
      { class: 'grid', 'data-testid': 'history-table' },
      h(
        'tr',
        {},
        h('th', {}, 'tick'),
        h('th', {}, 'change'),
        h('th', {}, 'reducer'),
        h('th', {}, 'sender'),
        ...columns.map((c) => h('th', {}, c)),
        h('th', {}, ''),
      ),
      ...answer.versions.map((v) =>
        h(
          'tr',
          {},
          h('td', {}, v.tick),
          h('td', {}, v.kind),
          h('td', {}, v.call?.reducer ?? '(oldest snapshot)'),
          h('td', {}, v.call === null ? '—' : shortIdentity(v.call.sender)),
          ...columns.map((c) => h('td', { class: 'mono' }, v.row === null ? '—' : cellText(v.row[c]))),
          h(
            'td',
            {},
            h('button', { class: 'small', onclick: () => actions.viewAt(v.tick) }, 'view table'),
            ' ',
            h('button', { class: 'small', onclick: () => actions.rewindTo(v.tick) }, 'rewind here…'),
          ),
        ),
      ),
    ),
  );
}
