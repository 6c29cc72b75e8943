/**
 * The module a `tickspace serve` runs and every later version of it: loaded into the sandbox (a
 * user's module) or imported as it is (Frontier), its first version logged, publishes through
 * `POST /admin/publish`, and `--watch` republishing on save.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModuleDef, TickRecord } from '../engine';
import type { Database } from '../engine/log';
import { publishModule } from '../engine/log/runtime-publish';
import { findLastPublished, writeLastPublish } from './last-publish-file';
import { PUBLISH_CALL } from '../engine/module-swap';
import {
  loadModuleFile,
  loadModuleText,
  type BundleOptions,
  type LoadOptions,
  type SandboxedModule,
} from '../engine/sandbox';
import { TickspaceError } from '../protocol/errors';
import { loadModule } from './common';
import { findSandboxEntry, type SandboxEntry } from './module-host';

/** What serve runs: the module, and its sandboxed form when it runs in the sandbox. */
export interface ServedModule {
  readonly module: ModuleDef;
  /** Undefined when the module runs unsandboxed (`serve --no-sandbox`): it cannot be republished. */
  readonly sandboxed: SandboxedModule | undefined;
  /**
   * For a trusted host file (Frontier's) served sandboxed: the file bundled in its place and the
   * options every version of it is loaded with (publish, watch).
   */
  readonly entry?: SandboxEntry | undefined;
}

/**
 * Loads the module file `spec` (`file.ts` or `file.ts#export`): bundled and evaluated in a SES
 * Compartment when `sandbox`, else imported as an ordinary module. A trusted host file (`hostFile`,
 * Frontier's) is imported either way, and sandboxed it is its `sandboxEntry` that runs.
 * @throws TickspaceError INVALID_ARGUMENT naming the file and the cause.
 */
export async function loadServedModule(
  spec: string,
  sandbox: boolean,
  options: BundleOptions = {},
  hostFile = false,
): Promise<ServedModule> {
  if (!sandbox) return { module: await loadModule(spec), sandboxed: undefined, entry: undefined };
  const entry = hostFile ? await findSandboxEntry(spec) : undefined;
  const sandboxed =
    entry === undefined
      ? await loadModuleFile(spec, options)
      : await loadModuleFile(entry.file, { ...entry.options, ...options });
  return { module: sandboxed.module, sandboxed, entry };
}

/** The options every version of the served module loads with: serve's, plus its entry's. */
export function servedLoadOptions(served: ServedModule, options: BundleOptions): LoadOptions {
  return served.entry === undefined ? options : { ...served.entry.options, ...options };
}

/** What a start did with the version it serves (see {@link logServedVersion}). */
export interface ServedVersion {
  /** Whether this start logs its version (the log's last one differed, or there was none). */
  readonly logged: boolean;
  /** The log's last published version when this start replaces it with another one. */
  readonly replaced: { readonly hash: string; readonly tick: number } | undefined;
}

/**
 * Logs the served version as `__publish` in the first tick of this start when the log's last
 * logged version is another one (or there is none). Logging only on a change keeps one copy of
 * each version's source in the log rather than one per start, and replay still finds the code of
 * every tick: the last version logged before a tick is the one that ran it.
 *
 * `serve` runs the module file it is given, not the version last published to the running server:
 * the file is what a developer edits and what the command line names. When that replaces a
 * published version (a `tickspace publish` whose source was never saved to the file), `replaced`
 * names it, so serve can say so in one line.
 * @returns undefined for an unsandboxed module (nothing to log).
 */
export function logServedVersion(db: Database<ModuleDef>, served: ServedModule): ServedVersion | undefined {
  if (served.sandboxed === undefined) return undefined;
  const last = findLastPublished(db, db.paths.dir).found;
  if (last?.payload.hash === served.sandboxed.bundle.hash) return { logged: false, replaced: undefined };
  const hash = served.sandboxed.bundle.hash;
  // Swapped in by the next tick; its result is delivered once that tick is durable.
  const tick = db.engine.tick + 1;
  db.engine.publish(served.sandboxed, (result) => {
    if (result.ok) writeLastPublish(db.paths.dir, hash, tick);
  });
  return {
    logged: true,
    replaced: last === undefined ? undefined : { hash: last.payload.hash, tick: last.tick },
  };
}

/**
 * The line serve prints when its module file replaces the log's last published version.
 * @example
 * replacedVersionLine('bank.ts', 'f00d…', { hash: 'beef…', tick: 812 });
 */
export function replacedVersionLine(
  file: string,
  hash: string,
  replaced: { readonly hash: string; readonly tick: number },
): string {
  return `  note: the published version ${replaced.hash.slice(0, 12)} (tick ${replaced.tick}) was replaced by ${file}'s version ${hash.slice(0, 12)}: serve runs the module file it is given (publish it again to run it)`;
}

/** The outcome of a publish: the version's hash and the tick that swapped it in. */
export interface PublishResult {
  readonly hash: string;
  readonly tick: number;
  /** The server schema version now running (counts every swap since start). */
  readonly schemaVersion: number;
  /** The bundle's size in bytes (what the log holds). */
  readonly bytes: number;
}

/**
 * Swaps a loaded version into the running engine and resolves once its tick has committed and
 * fanned out.
 * @throws TickspaceError SCHEMA_MISMATCH, MIGRATION_FAILED (nothing changes) as `publishModule`: a schema change migrates at the boundary.
 */
function publishVersion(db: Database<ModuleDef>, version: SandboxedModule): Promise<PublishResult> {
  const engine = db.engine;
  return new Promise((resolve, reject) => {
    let tick = 0;
    const unhook = engine.onTick((record: TickRecord) => {
      for (const c of record.calls)
        if (c.reducer === PUBLISH_CALL && c.args === version.payload) tick = record.tick;
    });
    try {
      publishModule(db, version, (result) => {
        unhook();
        if (result.ok) writeLastPublish(db.paths.dir, version.bundle.hash, tick);
        if (result.ok)
          resolve({
            hash: version.bundle.hash,
            tick,
            schemaVersion: engine.schema.version,
            bytes: Buffer.byteLength(version.bundle.source, 'utf8'),
          });
        else reject(new TickspaceError('INTERNAL', `the publish failed: ${result.code}: ${result.message}`));
      });
    } catch (error) {
      unhook();
      reject(error);
    }
  });
}

/**
 * The `POST /admin/publish` handler: module text in, swapped version out.
 * @throws TickspaceError NOT_IMPLEMENTED (status 409) when the server runs its module unsandboxed.
 */
export function createPublishHandler(
  db: Database<ModuleDef>,
  served: ServedModule,
  options: BundleOptions,
  log: (line: string) => void,
): (source: string, exportName: string | undefined) => Promise<PublishResult> {
  return async (source, exportName) => {
    if (served.sandboxed === undefined)
      throw new TickspaceError(
        'NOT_IMPLEMENTED',
        'this server runs its module unsandboxed (serve --no-sandbox), and only a sandboxed module can be republished: serve it without --no-sandbox',
        { details: { status: 409 } },
      );
    const version = await loadModuleText(source, 'the published module', {
      ...servedLoadOptions(served, options),
      exportName,
    });
    const result = await publishVersion(db, version);
    log(
      `[tickspace] published module ${result.hash.slice(0, 12)} (${result.bytes} bytes) at tick ${result.tick}`,
    );
    return result;
  };
}

/** Options for {@link watchModule}. */
export interface WatchOptions extends LoadOptions {
  /** Saves closer together than this are one republish. @default 100 */
  readonly debounceMs?: number;
  readonly log: (line: string) => void;
  /** Told about every attempt (tests wait on it). */
  readonly onAttempt?: (outcome: { ok: true; result: PublishResult } | { ok: false; error: unknown }) => void;
}

/**
 * `serve --watch`: republishes the module whenever one of the files its bundle was built from is
 * saved. Watches their folders (editors often save by renaming a new file over the old one) and
 * re-reads the file list after every bundle. A version that does not bundle, load or pass the swap
 * check is reported and the running one stays.
 * @returns a function that stops watching.
 */
export function watchModule(
  db: Database<ModuleDef>,
  spec: string,
  first: SandboxedModule,
  options: WatchOptions,
): () => void {
  const debounceMs = options.debounceMs ?? 100;
  let inputs = new Set(first.bundle.inputs);
  let hash = first.bundle.hash;
  const watchers = new Map<string, fs.FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const republish = async () => {
    try {
      const next = await loadModuleFile(spec, options);
      inputs = new Set(next.bundle.inputs);
      refresh();
      if (next.bundle.hash === hash) return;
      const result = await publishVersion(db, next);
      hash = next.bundle.hash;
      options.log(
        `[tickspace] watch: republished ${spec} as ${result.hash.slice(0, 12)} at tick ${result.tick}`,
      );
      options.onAttempt?.({ ok: true, result });
    } catch (error) {
      options.log(
        `[tickspace] watch: ${spec} was not republished (the running version stays): ${(error as Error)?.message ?? String(error)}`,
      );
      options.onAttempt?.({ ok: false, error });
    }
  };
  const schedule = (dir: string, name: string | null) => {
    if (closed || (name !== null && !inputs.has(path.join(dir, name)))) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      running = running.then(republish);
    }, debounceMs);
  };
  const refresh = () => {
    if (closed) return;
    const dirs = new Set([...inputs].map((f) => path.dirname(f)));
    for (const [dir, w] of watchers)
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    for (const dir of dirs)
      if (!watchers.has(dir))
        watchers.set(
          dir,
          fs.watch(dir, (_event, name) => schedule(dir, name)),
        );
  };
  refresh();
  return () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const w of watchers.values()) w.close();
    watchers.clear();
  };
}
