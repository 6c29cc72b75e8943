import { admin } from './api';
import { cellText, h, replace } from './dom';
import { renderHistory } from './history-panel';
import { openRewindDialog } from './rewind-dialog';
import { createTimeline } from './timeline';
import type { RowsAnswer, TableInfo, TablesAnswer } from './types';

/** Rows in one page of the table. */
const PAGE_ROWS = 100;
/** Column kinds whose filter matches a part of the text (the others match the whole value). */
const TEXT_KINDS = new Set(['string', 'identity', 'bytes']);

/**
 * Every table with its row count (system tables on request), and the chosen table's rows: live,
 * or as of any retained tick on the timeline; a filter box per column; a row's history; a rewind
 * to the tick shown.
 */
export function createTablesView(refreshShell: () => void) {
  let tables: TablesAnswer | undefined;
  let selected: string | undefined;
  let offset = 0;
  let showSystem = false;
  const filters = new Map<string, string>();
  let filterTimer: ReturnType<typeof setTimeout> | undefined;
  const list = h('div', { class: 'side', 'data-testid': 'table-list' });
  const title = h('h2', {}, 'Tables');
  const counts = h('div', { class: 'muted', 'data-testid': 'row-counts' });
  const error = h('div', { class: 'error', 'data-testid': 'rows-error' });
  const grid = h('table', { class: 'grid', 'data-testid': 'rows-table' });
  const pager = h('div', { class: 'toolbar' });
  const historyEl = h('div', { class: 'panel', 'data-testid': 'history-panel', hidden: true });
  const rewindButton = h(
    'button',
    { class: 'danger', hidden: true, 'data-testid': 'rewind-open' },
    'Rewind world to this tick…',
  );
  const timeline = createTimeline(() => {
    offset = 0;
    void loadRows();
  });
  rewindButton.addEventListener('click', () => {
    if (timeline.asOf !== undefined) askRewind(timeline.asOf);
  });
  const header = h('thead', {});
  const body = h('tbody', {});
  grid.append(header, body);
  let headerFor = '';

  /** The row whose history is open, re-read after a rewind (which adds a version). */
  let historyRow: { table: string; key: string } | undefined;
  const askRewind = (tick: number) =>
    openRewindDialog(tick, tables?.tick ?? 0, () => {
      timeline.go(undefined);
      refreshShell();
      if (historyRow !== undefined) openHistory(historyRow.table, historyRow.key);
    });

  const info = (): TableInfo | undefined => tables?.tables.find((t) => t.name === selected);

  function renderList(): void {
    if (tables === undefined) return;
    const shown = tables.tables.filter((t) => showSystem || !t.system);
    replace(
      list,
      h(
        'label',
        { class: 'muted', style: 'display:block;padding:4px 8px' },
        h('input', {
          type: 'checkbox',
          checked: showSystem,
          onchange: (e: Event) => {
            showSystem = (e.target as HTMLInputElement).checked;
            renderList();
          },
        }),
        ' system tables',
      ),
      ...shown.map((t) =>
        h(
          'button',
          { class: t.name === selected ? 'active' : '', 'data-table': t.name, onclick: () => select(t.name) },
          h('span', {}, t.name, !t.public && h('span', { class: 'tag' }, t.system ? 'system' : 'private')),
          h('span', { class: 'count', 'data-testid': `count-${t.name}` }, t.count),
        ),
      ),
    );
  }

  function select(name: string): void {
    selected = name;
    offset = 0;
    filters.clear();
    historyEl.hidden = true;
    historyRow = undefined;
    headerFor = '';
    renderList();
    void loadRows();
  }

  function renderHeader(t: TableInfo): void {
    if (headerFor === t.name) return;
    headerFor = t.name;
    const filterCells = t.columns.map((c) =>
      h(
        'th',
        {},
        h('input', {
          'data-filter': c.name,
          placeholder: TEXT_KINDS.has(c.kind) ? 'contains…' : '= value',
          oninput: (e: Event) => {
            const text = (e.target as HTMLInputElement).value;
            if (text === '') filters.delete(c.name);
            else filters.set(c.name, text);
            clearTimeout(filterTimer);
            filterTimer = setTimeout(() => {
              offset = 0;
              void loadRows();
            }, 250);
          },
        }),
      ),
    );
    replace(
      header,
      h(
        'tr',
        {},
        ...t.columns.map((c) => h('th', { title: c.kind }, c.name, h('span', { class: 'tag' }, c.kind))),
        h('th', {}, ''),
      ),
      h('tr', { class: 'filter-row' }, ...filterCells, h('th', {}, '')),
    );
  }

  function filterParams(t: TableInfo): string[] {
    return [...filters].map(([column, text]) => {
      const kind = t.columns.find((c) => c.name === column)?.kind ?? 'string';
      if (text.startsWith('=')) return `${column}=${text.slice(1)}`;
      return TEXT_KINDS.has(kind) ? `${column}~${text}` : `${column}=${text}`;
    });
  }

  let loading = false;
  async function loadRows(): Promise<void> {
    const t = info();
    if (t === undefined || loading) return;
    loading = true;
    try {
      const asOf = timeline.asOf;
      const rows = await admin<RowsAnswer>('rows', {
        table: t.name,
        tick: asOf,
        filter: filterParams(t),
        limit: PAGE_ROWS,
        offset,
      });
      error.textContent = '';
      renderRows(t, rows);
    } catch (e) {
      error.textContent = (e as Error).message;
    } finally {
      loading = false;
    }
  }

  function renderRows(t: TableInfo, rows: RowsAnswer): void {
    title.textContent = t.name;
    rewindButton.hidden = rows.live;
    renderHeader(t);
    const last = Math.min(rows.offset + rows.rows.length, rows.matching);
    counts.textContent =
      `${rows.count} row(s)${rows.live ? '' : ` at tick ${rows.tick}`} · ${rows.matching} match` +
      (rows.matching === 0 ? '' : ` · showing ${rows.offset + 1}–${last}`);
    replace(
      body,
      ...rows.rows.map((r) =>
        h(
          'tr',
          { 'data-key': r.key },
          ...t.columns.map((c) => h('td', { class: 'mono' }, cellText(r.values[c.name]))),
          h('td', {}, h('button', { class: 'small', onclick: () => openHistory(t.name, r.key) }, 'history')),
        ),
      ),
    );
    replace(
      pager,
      h('button', { class: 'small', disabled: rows.offset === 0, onclick: () => page(-1) }, '‹ previous'),
      h('button', { class: 'small', disabled: last >= rows.matching, onclick: () => page(1) }, 'next ›'),
    );
  }

  function page(direction: number): void {
    offset = Math.max(0, offset + direction * PAGE_ROWS);
    void loadRows();
  }

  function openHistory(table: string, key: string): void {
    historyRow = { table, key };
    historyEl.hidden = false;
    void renderHistory(historyEl, table, key, {
      viewAt: (tick) => timeline.go(tick),
      rewindTo: askRewind,
    });
  }

  const el = h(
    'div',
    { class: 'layout' },
    list,
    h(
      'div',
      {},
      h(
        'div',
        { class: 'panel' },
        title,
        timeline.el,
        h('div', { class: 'toolbar' }, counts, rewindButton),
        error,
        grid,
        pager,
      ),
      historyEl,
    ),
  );

  return {
    el,
    /** Shows the chosen table as of `tick`. */
    viewAt(tick: number): void {
      timeline.go(tick);
    },
    /** Shows the table list and counts of `summary` (`/admin/tables`, read once per refresh by the shell); re-reads the rows while live. */
    async refresh(summary: TablesAnswer): Promise<void> {
      tables = summary;
      const h0 = tables.history;
      // Without a commit log there is no past to scrub to.
      timeline.el.hidden = h0 === null;
      timeline.setRange(h0?.oldestTick ?? tables.tick, h0?.lastTick ?? tables.tick);
      if (selected === undefined) selected = tables.tables.find((t) => !t.system)?.name;
      renderList();
      if (timeline.asOf === undefined) await loadRows();
    },
  };
}
