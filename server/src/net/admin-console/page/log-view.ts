import { admin } from './api';
import { cellText, h, replace, shortIdentity } from './dom';
import type { LogAnswer } from './types';

/**
 * The commit log's reducer calls, newest first, filtered by reducer, sender, outcome, origin and
 * tick range (`/admin/log`). Follows the log while "follow" is on and no `to` is set. A call's tick
 * opens the tables as of that tick.
 */
export function createLogView(openTick: (tick: number) => void) {
  const reducer = h('select', { 'data-testid': 'log-reducer' }, h('option', { value: '' }, 'any reducer'));
  const sender = h('input', {
    placeholder: 'sender (identity prefix)',
    'data-testid': 'log-sender',
    size: 22,
  });
  const outcome = h(
    'select',
    { 'data-testid': 'log-outcome' },
    h('option', { value: '' }, 'any outcome'),
    h('option', { value: 'ok' }, 'ok'),
    h('option', { value: 'error' }, 'failed'),
  );
  const origin = h(
    'select',
    { 'data-testid': 'log-origin' },
    h('option', { value: '' }, 'any origin'),
    // Client calls by default: a game's schedules (Frontier's physics_step every tick) would bury them.
    h('option', { value: 'client', selected: true }, 'client calls'),
    h('option', { value: 'schedule' }, 'scheduled'),
    h('option', { value: 'lifecycle' }, 'lifecycle'),
  );
  const from = h('input', {
    type: 'number',
    min: 0,
    placeholder: 'from tick',
    style: 'width:100px',
    'data-testid': 'log-from',
  });
  const to = h('input', {
    type: 'number',
    min: 0,
    placeholder: 'to tick',
    style: 'width:100px',
    'data-testid': 'log-to',
  });
  const follow = h('input', { type: 'checkbox', checked: true });
  const summary = h('div', { class: 'muted', 'data-testid': 'log-summary' });
  const error = h('div', { class: 'error', 'data-testid': 'log-error' });
  const body = h('tbody', {});
  const grid = h(
    'table',
    { class: 'grid', 'data-testid': 'log-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['tick', '#', 'origin', 'reducer', 'sender', 'arguments', 'outcome'].map((c) => h('th', {}, c)),
      ),
    ),
    body,
  );
  let knownReducers = '';
  let loading = false;

  async function load(): Promise<void> {
    if (loading) return;
    loading = true;
    try {
      const answer = await admin<LogAnswer>('log', {
        reducer: reducer.value,
        sender: sender.value.trim(),
        outcome: outcome.value,
        origin: origin.value,
        from: from.value,
        to: to.value,
      });
      error.textContent = '';
      render(answer);
    } catch (e) {
      error.textContent = (e as Error).message;
    } finally {
      loading = false;
    }
  }

  function render(answer: LogAnswer): void {
    const names = answer.reducers.join(',');
    if (names !== knownReducers) {
      knownReducers = names;
      const chosen = reducer.value;
      replace(
        reducer,
        h('option', { value: '' }, 'any reducer'),
        ...answer.reducers.map((r) => h('option', { value: r }, r)),
      );
      reducer.value = chosen;
    }
    summary.textContent =
      `${answer.matched} matching call(s) in ticks ${answer.from}..${answer.to}` +
      (answer.truncated ? ` (the newest ${answer.calls.length} shown)` : '') +
      ` · the log holds ${answer.oldestTick}..${answer.lastTick}`;
    replace(
      body,
      ...answer.calls.map((c) =>
        h(
          'tr',
          { 'data-reducer': c.reducer },
          h(
            'td',
            {},
            h(
              'button',
              { class: 'small', title: 'the tables as of this tick', onclick: () => openTick(c.tick) },
              c.tick,
            ),
          ),
          h('td', {}, c.index),
          h('td', {}, c.origin),
          h('td', {}, c.reducer),
          h('td', {}, shortIdentity(c.sender)),
          h('td', { class: 'mono' }, c.args === null ? '(not decodable)' : cellText(c.args)),
          c.ok
            ? h(
                'td',
                { class: 'ok', 'data-testid': 'log-returned' },
                c.returned === null ? 'ok' : `ok → ${returnedText(c.returned.value)}`,
              )
            : h('td', { class: 'err', title: c.message ?? '' }, `${c.code}: ${c.message}`),
        ),
      ),
    );
  }

  for (const input of [reducer, outcome, origin, from, to])
    input.addEventListener('change', () => void load());
  let timer: ReturnType<typeof setTimeout> | undefined;
  sender.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), 250);
  });

  const el = h(
    'div',
    { class: 'panel' },
    h('h2', {}, 'Commit log'),
    h(
      'div',
      { class: 'toolbar' },
      reducer,
      sender,
      outcome,
      origin,
      from,
      to,
      h('label', {}, follow, ' follow'),
    ),
    summary,
    error,
    grid,
  );
  return {
    el,
    async refresh(): Promise<void> {
      if (follow.checked && to.value === '') await load();
    },
    /** Loads now, whatever "follow" says (the tab was just opened). */
    load,
  };
}

/** A returned value as the log view shows it: none for an optional that returned nothing. */
const returnedText = (value: unknown): string => (value === null ? 'none' : cellText(value));
