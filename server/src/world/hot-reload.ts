import { watch, type FSWatcher } from 'node:fs';
import { SERVER_IDENTITY, type Engine, type ModuleDef } from '../engine';
import {
  DEFAULT_CONTENT_DIR,
  readContentSources,
  validateContent,
  type ContentProblem,
} from './content-loader';

/** Options for {@link watchContent}. */
export interface ContentWatcherOptions {
  /** The content directory. @default the repository's `content/` */
  readonly dir?: string;
  /** Quiet time after the last file event before reloading (editors write files in bursts). @default 150 */
  readonly debounceMs?: number;
  /** Whether to watch the directory; with false only `reload()` reloads. @default true */
  readonly watch?: boolean;
  /** Called after every reload attempt, from the watcher or from `reload()`. */
  readonly onReload?: (outcome: ReloadOutcome) => void;
}

/** The outcome of one reload: swapped in at `tick`, or rejected with the problems (old content kept). */
export type ReloadOutcome =
  | { readonly ok: true; readonly tick: number }
  | { readonly ok: false; readonly problems: readonly ContentProblem[]; readonly message: string };

/** A running content watcher. */
export interface ContentWatcher {
  /** Reads, validates and (if valid) swaps in the content now; resolves once the swap is committed. */
  reload(): Promise<ReloadOutcome>;
  /** Stops watching. */
  close(): void;
}

/**
 * Hot reload: watches the content directory and, when files change, validates the whole content;
 * valid content is swapped in by the `content_reload` reducer as one transaction (so it is in the
 * commit log and replays), invalid content is reported and the old content stays.
 * The engine's tick loop must be running (or the caller must run ticks) for a swap to commit.
 *
 * @example
 * const watcher = watchContent(engine, { onReload: (o) => console.log(o.ok ? `content swapped at tick ${o.tick}` : o.message) });
 */
export function watchContent(engine: Engine<ModuleDef>, options: ContentWatcherOptions = {}): ContentWatcher {
  const dir = options.dir ?? DEFAULT_CONTENT_DIR;
  const debounceMs = options.debounceMs ?? 150;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;

  const attempt = async (): Promise<ReloadOutcome> => {
    const sources = await readContentSources(dir);
    const result = validateContent(sources);
    let outcome: ReloadOutcome;
    if (!result.ok)
      outcome = {
        ok: false,
        problems: result.problems,
        message: `${result.problems.length} content problem(s); the old content stays`,
      };
    else {
      const tickBefore = engine.tick;
      const r = await engine.call(SERVER_IDENTITY, 'content_reload', { bundle: JSON.stringify(sources) });
      const tick = Math.max(engine.tick, tickBefore + 1);
      outcome = r.ok ? { ok: true, tick } : { ok: false, problems: [], message: `${r.code}: ${r.message}` };
    }
    options.onReload?.(outcome);
    return outcome;
  };

  const reload = (): Promise<ReloadOutcome> => {
    const next = chain.then(attempt, attempt);
    chain = next.catch(() => undefined);
    return next;
  };

  if (options.watch ?? true) {
    watcher = watch(dir, () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        void reload().catch(() => undefined);
      }, debounceMs);
    });
  }

  return {
    reload,
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      watcher?.close();
    },
  };
}
