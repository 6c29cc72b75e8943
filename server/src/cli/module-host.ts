/**
 * Host-side behaviour a module file may attach to `tickspace serve`: a module is tables and
 * reducers, deterministic and replayable, but a server of it may also need to watch files, talk
 * to other processes or print things. A module file exports it as `serveHost`; serve calls it once,
 * after recovery and before the tick loop starts (so calls it queues run in the first tick), and
 * calls the returned `close` when it stops. Other commands (replay, inspect...) never call it.
 * Only an unsandboxed module file (Frontier, or `serve --no-sandbox`) may bring one: a sandboxed
 * file's code runs only inside its Compartment, never with the host's powers.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Engine, ModuleDef } from '../engine';
import type { LoadOptions } from '../engine/sandbox';
import { TickspaceError } from '../protocol/errors';

/** What serve hands a module file's `serveHost`. */
export interface ServeHostContext {
  /** The recovered engine; its tick loop has not started yet. */
  readonly engine: Engine<ModuleDef>;
  /** The data directory (absolute). */
  readonly dataDir: string;
  /** Prints one line for the operator (stdout). */
  readonly print: (line: string) => void;
}

/** What a `serveHost` returns: how serve stops it. */
export interface ServeHostHandle {
  /** Called once when the server stops, before the final tick. */
  close(): void | Promise<void>;
}

/**
 * The `serveHost` export of a module file. A throw (or a rejected promise) stops the start-up:
 * serve closes the data directory and prints the error.
 * @example
 * export const serveHost: ServeHost = async ({ engine, print }) => {
 *   const watcher = watchSomething(engine, print);
 *   return { close: () => watcher.close() };
 * };
 */
export type ServeHost = (context: ServeHostContext) => ServeHostHandle | Promise<ServeHostHandle>;

/** The name of the export serve looks for. */
const SERVE_HOST_EXPORT = 'serveHost';

/**
 * The `sandboxEntry` export of a host file: the module file serve bundles and runs in the sandbox
 * in its place, with the bundle options it needs (host modules, a factory's config), so that the
 * module can be published and watched while the host file keeps its host-side powers.
 */
export interface SandboxEntry {
  readonly file: string;
  readonly options: LoadOptions;
}

/**
 * The `sandboxEntry` export of the host file `spec`, or undefined when it has none. Imports the
 * file: only for trusted host files (the repository's Frontier).
 * @throws TickspaceError INVALID_ARGUMENT when the export is not `{ file, options }`.
 */
export async function findSandboxEntry(
  spec: string,
  base = process.cwd(),
): Promise<SandboxEntry | undefined> {
  const [file] = spec.split('#') as [string];
  const abs = path.resolve(base, file);
  const ns = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  const entry = ns.sandboxEntry as SandboxEntry | undefined;
  if (entry === undefined) return undefined;
  if (typeof entry !== 'object' || entry === null || typeof entry.file !== 'string')
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${abs}: the 'sandboxEntry' export must be { file, options }`,
    );
  return entry;
}

/**
 * The `serveHost` export of the module file `spec` (`file.ts` or `file.ts#export`; the part after
 * `#` names the module, not the host), or undefined when the file has none. The file is already
 * loaded (Node caches it), so this imports nothing twice.
 * @throws TickspaceError INVALID_ARGUMENT when `serveHost` is not a function.
 */
export async function findServeHost(spec: string, base = process.cwd()): Promise<ServeHost | undefined> {
  const [file] = spec.split('#') as [string];
  const abs = path.resolve(base, file);
  const ns = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  const host = ns[SERVE_HOST_EXPORT];
  if (host === undefined) return undefined;
  if (typeof host !== 'function')
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${abs}: the '${SERVE_HOST_EXPORT}' export must be a function (context) => { close() }, got ${typeof host}`,
    );
  return host as ServeHost;
}
