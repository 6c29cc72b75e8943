/**
 * The admin console's page (`/admin`): sign in with the admin token, then tabs for the tables
 * (live, as of any tick, row history, rewind), the commit log, the connected sessions and the
 * metrics. Plain DOM, bundled by the server on first request (see ../console-page.ts).
 */
import { admin, storeToken, storedToken, whenTokenRefused } from './api';
import { h, replace } from './dom';
import { createLogView } from './log-view';
import { showLogin } from './login-view';
import { createMetricsView } from './metrics-view';
import { createSessionsView } from './sessions-view';
import { addStyles } from './styles';
import { createTablesView } from './tables-view';
import type { TablesAnswer } from './types';

/** How often the open tab, the header and the metric samples are refreshed, ms. */
const REFRESH_MS = 1000;

const root = document.getElementById('app')!;
let stop: (() => void) | undefined;

function signOut(notice?: string): void {
  stop?.();
  stop = undefined;
  storeToken(undefined);
  showLogin(root, notice, start);
}

function start(): void {
  const status = h('span', { class: 'stat', 'data-testid': 'status' }, '');
  const tables = createTablesView(() => void tick());
  const log = createLogView((tick) => {
    show('tables');
    tables.viewAt(tick);
  });
  const sessions = createSessionsView();
  const metrics = createMetricsView();
  const views = { tables, log, sessions, metrics } as const;
  type Tab = keyof typeof views;
  const labels: Record<Tab, string> = {
    tables: 'Tables',
    log: 'Commit log',
    sessions: 'Sessions',
    metrics: 'Metrics',
  };
  let current: Tab = 'tables';
  const main = h('main', {});
  const buttons = (Object.keys(views) as Tab[]).map((tab) =>
    h('button', { 'data-tab': tab, onclick: () => show(tab) }, labels[tab]),
  );
  const error = h('span', { class: 'stat', style: 'color:#ffb4ab' });
  replace(
    root,
    h(
      'header',
      {},
      h('h1', {}, 'Tickspace admin'),
      status,
      error,
      h('nav', {}, ...buttons, h('button', { onclick: () => signOut() }, 'Sign out')),
    ),
    main,
  );

  function show(tab: Tab): void {
    current = tab;
    for (const b of buttons) b.classList.toggle('active', b.dataset.tab === tab);
    replace(main, views[tab].el);
    if (tab === 'log') void log.load();
    void tick();
  }

  let busy = false;
  async function tick(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      const [summary] = await Promise.all([admin<TablesAnswer>('tables'), metrics.sample()]);
      const range =
        summary.history === null
          ? 'no commit log'
          : `history ${summary.history.oldestTick}..${summary.history.lastTick}`;
      status.textContent = `tick ${summary.tick} · ${summary.running ? 'running' : 'stopped'} · ${range}`;
      await views[current].refresh(summary);
      error.textContent = '';
    } catch (e) {
      error.textContent = (e as Error).message;
    } finally {
      busy = false;
    }
  }

  const timer = setInterval(() => void tick(), REFRESH_MS);
  stop = () => clearInterval(timer);
  show('tables');
}

addStyles();
whenTokenRefused((message) =>
  signOut(`Wrong admin token: the server refused it (${message}). Sign in again.`),
);
if (storedToken() === undefined) showLogin(root, undefined, start);
else start();
