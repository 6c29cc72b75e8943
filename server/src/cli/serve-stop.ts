/**
 * How `tickspace serve` ends: one clean stop however many SIGINT/SIGTERM arrive, a forced exit on
 * a signal that comes once the stop is under way, and a fail-stop when the commit log cannot be
 * written. Every way out is one line for the operator and a documented exit status.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModuleDef } from '../engine';
import type { Database } from '../engine/tooling';
import { CLOSE_CODES, type TickspaceServer } from '../net';
import { TickspaceError } from '../protocol/errors';

/** Exit statuses of `tickspace serve` (README "Stopping the server", FORMAT.md "Durability"). */
export const SERVE_EXIT_CODES = {
  /** Stopped cleanly: every session disconnected through the engine, the log synced and closed. */
  OK: 0,
  /** The commit log could not be written (disk full, I/O error): the server stopped at once. */
  LOG_FAILED: 3,
  /** A second SIGINT during the stop forced the exit (128 + SIGINT). */
  FORCED_SIGINT: 130,
  /** A second SIGTERM during the stop forced the exit (128 + SIGTERM). */
  FORCED_SIGTERM: 143,
} as const;

/** The message an IPC parent (the `npm start` bootstrap) receives when the stop begins. */
const STOPPING_MESSAGE = { type: 'tickspace:stopping' } as const;

/**
 * The clean stop, in the order that keeps the world right: refuse new connections and close every
 * session, which queues each one's disconnect call; let the next tick run those calls (committed,
 * logged and durable before it fans out); then stop the tick loop and close the log.
 */
export async function stopCleanly(db: Database<ModuleDef>, server: TickspaceServer): Promise<void> {
  const engine = db.engine;
  // The disconnects the close queues run in the first tick after it. A tick already run may still
  // be on its way to disk (its fan-out, which wakes nextTick, comes after the fsync): waiting for
  // "the next tick" would then take that one and close the log with the disconnects unrun.
  const lastRun = engine.tick;
  await server.close();
  if (engine.running) {
    let unhook = () => {};
    const failed = new Promise<void>((resolve) => (unhook = engine.onFatal(() => resolve())));
    const finalTick = (async () => {
      while ((await engine.nextTick()).tick <= lastRun);
    })();
    await Promise.race([finalTick, failed]);
    unhook();
  }
  await engine.stop();
  await db.close();
}

/** The errno code of an error or of the first cause in its chain that has one. */
function errnoOf(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The operator's one line for a failed commit log: which file, which errno, how much room is left
 * on its file system.
 * @example
 * logFailureLine(error, '/srv/data/log') // -> "[tickspace] the commit log could not be written: /srv/data/log/00000000000000000001.seg: ENOSPC (0 bytes free on /srv/data/log); stopping"
 */
export function logFailureLine(error: unknown, logDir: string): string {
  const details = error instanceof TickspaceError ? error.details : {};
  const file = typeof details.file === 'string' ? details.file : logDir;
  const dir = path.dirname(file) === '.' ? logDir : path.dirname(file);
  let free = 'unknown';
  try {
    const st = fs.statfsSync(dir);
    free = String(st.bavail * st.bsize);
  } catch {}
  return `[tickspace] the commit log could not be written: ${file}: ${errnoOf(error)} (${free} bytes free on ${dir}); stopping`;
}

/**
 * Fail-stop after the engine's fatal fault: every client gets CLOSE 1011 with code LOG_FAILED, the
 * operator one line, and the log is closed without another write. Resolves with the exit status.
 */
export async function stopOnLogFailure(
  db: Database<ModuleDef>,
  server: TickspaceServer,
  error: unknown,
): Promise<number> {
  console.error(logFailureLine(error, db.paths.log));
  await server.close({
    closeCode: CLOSE_CODES.INTERNAL_ERROR,
    code: 'LOG_FAILED',
    message: 'the server stopped: its commit log could not be written; nothing acknowledged is lost',
  });
  await db.engine.stop();
  await db.close().catch(() => undefined);
  return SERVE_EXIT_CODES.LOG_FAILED;
}

/** What {@link watchStopSignals} calls. */
export interface StopHandlers {
  /** The first SIGINT/SIGTERM (or the IPC parent going away): start the clean stop. */
  stop(why: string): void;
  /** A signal once the stop is under way: the process should exit now. */
  force(signal: NodeJS.Signals): void;
}

/**
 * Listens for SIGINT and SIGTERM for the life of the process (a second one must never find the
 * default handler, which kills the process mid-stop): the first starts the stop and tells an IPC
 * parent; any later one forces. A parent that started us with an IPC channel and goes away stops
 * us as well, so a server is never left running without its terminal.
 */
export function watchStopSignals(handlers: StopHandlers): void {
  let stopping = false;
  const begin = (why: string) => {
    stopping = true;
    if (process.connected) process.send?.(STOPPING_MESSAGE);
    handlers.stop(why);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) handlers.force(signal);
    else begin(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The channel must not keep the process alive once the stop is done.
  process.channel?.unref();
  if (process.send !== undefined)
    process.once('disconnect', () => {
      if (!stopping) begin('parent process gone');
    });
}
