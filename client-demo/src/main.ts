/**
 * Entry point of the Frontier browser client: connect (resuming the stored identity), ask for a
 * name when this identity has no player yet, then start the game; or open the time-travel viewer.
 */
import './style.css';
import { Game } from './game/game';
import { startHistoryViewer, type HistoryViewer } from './history/history-viewer';
import { LiveConnection } from './net/live-connection';
import { createHttpHistorySource, HistoryError } from './history/history-source';
import { adminToken, forgetToken, loadSession, saveAdminToken, saveSession } from './net/session-store';
import { createScene } from './render/scene';
import { h } from './ui/dom';
import { LoadingScreen, LOADING_STEP } from './ui/loading-screen';
import { NamePrompt } from './ui/name-prompt';
import { TOAST_KIND } from './ui/game-context';
import { humanMessage, playerMessage } from './ui/messages';

/** Hooks for the browser tests and for poking around in the console. */
export interface FrontierDebug {
  game?: Game;
  connection?: LiveConnection;
  history?: HistoryViewer;
  /** Set once the game (or viewer) is up. */
  ready: boolean;
  mode: 'game' | 'history' | 'title' | 'error';
  /** The loading steps shown, in order (connecting ... first-render). */
  loadingSteps: string[];
}

declare global {
  interface Window {
    frontier: FrontierDebug;
  }
}

const debug: FrontierDebug = { ready: false, mode: 'title', loadingSteps: [] };
window.frontier = debug;

/** The server's WebSocket URL: `?server=ws://...` or the page's own host at `/ws`. */
function serverUrl(): string {
  const given = new URLSearchParams(location.search).get('server');
  if (given !== null && given !== '') return given;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

function overlay(...children: (Node | string)[]): HTMLElement {
  const el = h('div', { class: 'overlay' }, h('div', { class: 'title-card' }, ...children));
  document.body.append(el);
  return el;
}

async function openConnection(token: string, loading: LoadingScreen): Promise<LiveConnection> {
  const onProgress = (step: 'identity' | 'subscriptions') =>
    loading.show(step === 'identity' ? LOADING_STEP.IDENTITY : LOADING_STEP.SUBSCRIPTIONS);
  try {
    return await LiveConnection.open({ url: serverUrl(), token, onProgress });
  } catch (error) {
    // A token from another server (or an old secret) is refused: start over as a new identity.
    if (token !== '' && (error as { code?: string }).code === 'INVALID_TOKEN') {
      forgetToken();
      loading.show(LOADING_STEP.CONNECTING);
      return LiveConnection.open({ url: serverUrl(), token: '', onProgress });
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const stage = document.getElementById('stage')!;
  const hud = document.getElementById('hud')!;
  if (new URLSearchParams(location.search).has('history') || location.hash.includes('history')) {
    debug.mode = 'history';
    debug.history = await startHistoryViewer({ stage, hud });
    debug.ready = true;
    return;
  }
  const session = loadSession();
  const loading = new LoadingScreen((step) => debug.loadingSteps.push(step));
  loading.attach();
  let conn: LiveConnection;
  try {
    conn = await openConnection(session.token, loading);
  } catch (error) {
    loading.remove();
    debug.mode = 'error';
    overlay(
      h('h1', {}, 'Frontier'),
      h(
        'p',
        { class: 'error' },
        `Could not reach the server. ${playerMessage((error as { code?: string }).code, (error as Error).message ?? String(error))}`,
      ),
      h('button', { class: 'primary', onclick: () => location.reload() }, 'Try again'),
    );
    return;
  }
  debug.connection = conn;
  saveSession(conn.token);
  if (!conn.view.table('player').has(conn.identity)) {
    loading.remove();
    if ((await askForPlayer(conn, session.name)) === 'spectate') return;
    loading.attach();
  }
  loading.show(LOADING_STEP.FIRST_RENDER);
  const scene = await createScene({ parent: stage });
  const game = new Game({ connection: conn, scene, hud });
  debug.game = game;
  debug.mode = 'game';
  // Playable once a frame with the player's surroundings has been drawn.
  scene.app.ticker.addOnce(() => {
    requestAnimationFrame(() => {
      loading.remove();
      debug.ready = true;
    });
  });
  watchHistory(conn, game);
}

/**
 * The title screen until this identity has a player: joins with the chosen name, or leaves for
 * the spectator mode. `notice` says why it is shown again (a rewind took the player away).
 */
async function askForPlayer(
  conn: LiveConnection,
  initialName: string | undefined,
  notice?: string,
): Promise<'joined' | 'spectate'> {
  const prompt = new NamePrompt({
    initialName,
    ...(notice === undefined ? {} : { notice }),
    checkAdminToken,
    storedAdminToken: adminToken(),
  });
  document.body.append(prompt.element);
  try {
    for (;;) {
      const choice = await prompt.ask();
      if (choice.kind === 'spectate') {
        prompt.hide();
        if (prompt.adminToken !== undefined) saveAdminToken(prompt.adminToken);
        conn.close();
        location.search = '?history';
        return 'spectate';
      }
      try {
        await conn.call('join', { name: choice.name });
        saveSession(conn.token, choice.name);
        return 'joined';
      } catch (error) {
        // A rewind may already have brought the player back (the row of the join came first).
        if (conn.view.table('player').has(conn.identity)) return 'joined';
        prompt.showError(humanMessage((error as Error).message ?? String(error)));
      }
    }
  } finally {
    prompt.element.remove();
  }
}

/** Whether the server accepts `token` for its admin endpoints (time travel reads through them). */
async function checkAdminToken(token: string): Promise<boolean> {
  try {
    await createHttpHistorySource({ adminToken: token }).table('world_info');
    return true;
  } catch (error) {
    if (error instanceof HistoryError && error.code === 'FORBIDDEN') return false;
    throw error;
  }
}

/**
 * After a rewind every player hears of it; one whose player the rewind took away (they joined
 * after the target tick) gets the title screen again instead of a world without their row.
 */
function watchHistory(conn: LiveConnection, game: Game): void {
  let asking = false;
  conn.onHistoryChanged((reason, tick) => {
    const text =
      reason === 'rewind'
        ? `The world was rewound to tick ${tick}.`
        : `The world was restored to tick ${tick}.`;
    game.toast(text, TOAST_KIND.INFO);
    if (asking || conn.view.table('player').has(conn.identity)) return;
    asking = true;
    void askForPlayer(
      conn,
      loadSession().name,
      `${text} Your player did not exist yet then: choose a name to join again.`,
    ).then(() => {
      asking = false;
    });
  });
}

void main();
