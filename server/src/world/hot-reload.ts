import { existsSync, watch, type FSWatcher } from 'node:fs';
import { SERVER_IDENTITY, type CallResult, type Engine, type ModuleDef, type ReadonlyDb } from '../engine';
import { DEFAULT_CONTENT_DIR, readContentSources } from './content-files';
import { CONTENT_FILE_NAMES, formatProblem, validateContent, type ContentProblem } from './content-loader';
import {
  contentTableRows,
  diffContent,
  formatDiff,
  isEmptyDiff,
  storedContentRows,
  type ContentDiff,
} from './content-diff';
import { countOrphanNodes, countOrphans, type OrphanCounts } from './content-orphans';
import type { FrontierTables } from './tables';

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
  /** Called when watching stops on its own (the directory was removed or became unreadable). */
  readonly onWatchError?: (error: Error) => void;
}

/** What started a reload: a file event (or an on-demand `reload()`), or a server's start-up. */
export type ReloadTrigger = 'edit' | 'startup';

/**
 * The outcome of one reload: swapped in at `tick` (with what changed), nothing to swap (the files
 * hold the content the world runs on), or rejected with every problem (the running content stays).
 */
export type ReloadOutcome =
  | {
      readonly ok: true;
      readonly changed: true;
      readonly trigger: ReloadTrigger;
      readonly tick: number;
      readonly diff: ContentDiff;
      /** Resource nodes of removed kinds, deleted in the reload's tick. */
      readonly nodesDeleted: number;
      /** Rows left without a definition after the reload (kept, inert). */
      readonly orphans: OrphanCounts;
      /** The world's content revision after the reload. */
      readonly rev: number;
    }
  | { readonly ok: true; readonly changed: false; readonly trigger: ReloadTrigger; readonly rev: number }
  | {
      readonly ok: false;
      readonly trigger: ReloadTrigger;
      readonly problems: readonly ContentProblem[];
      readonly message: string;
      readonly rev: number;
    };

/** A running content watcher. */
export interface ContentWatcher {
  /**
   * Reads, validates and (if valid and different from the tables) swaps in the content now;
   * resolves once the swap is committed. Reloads run one at a time, in order. `onQueued` is
   * called once the reload's call is queued for the next tick, or once it is decided that there
   * is none (a server queues its start-up reload before it starts the tick loop).
   */
  reload(trigger?: ReloadTrigger, onQueued?: () => void): Promise<ReloadOutcome>;
  /** Stops watching (a reload under way still completes). */
  close(): void;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The operator's lines for an outcome: one line for a swap (`content reloaded at tick 812: +1
 * item, ~2 recipes`, with what happened to rows whose definition disappeared), one for no change,
 * and a heading plus one line per problem for rejected content.
 */
export function formatReload(outcome: ReloadOutcome, dir: string): string[] {
  if (outcome.ok && outcome.changed) {
    const notes: string[] = [];
    if (outcome.nodesDeleted > 0)
      notes.push(`${plural(outcome.nodesDeleted, 'node', 'nodes')} of removed resources deleted`);
    if (outcome.orphans.stacks > 0)
      notes.push(
        `${plural(outcome.orphans.stacks, 'stack', 'stacks')} of removed items kept, inert until they return`,
      );
    if (outcome.orphans.buildings > 0)
      notes.push(
        `${plural(outcome.orphans.buildings, 'building', 'buildings')} of removed kinds kept, inert`,
      );
    return [
      `content reloaded at tick ${outcome.tick}: ${formatDiff(outcome.diff)}${notes.length === 0 ? '' : `; ${notes.join('; ')}`} (rev ${outcome.rev})`,
    ];
  }
  if (outcome.ok)
    return outcome.trigger === 'startup'
      ? []
      : [`content saved in ${dir}: nothing changed (rev ${outcome.rev})`];
  const count = plural(outcome.problems.length, 'problem', 'problems');
  const heading =
    outcome.trigger === 'startup'
      ? `content in ${dir} has ${count}: serving the world's last good content (rev ${outcome.rev}, from its log); fix the files and save to apply them`
      : outcome.problems.length > 0
        ? `content edit in ${dir} rejected, ${count}; the running content stays (rev ${outcome.rev})`
        : `content edit in ${dir} rejected: ${outcome.message}; the running content stays (rev ${outcome.rev})`;
  return [heading, ...outcome.problems.map((p) => `  ${formatProblem(p)}`)];
}

/** Enqueues `content_reload` and resolves with its result and the tick that committed it. */
function reloadCall(
  engine: Engine<ModuleDef>,
  bundle: string,
  onQueued: () => void,
): Promise<{ result: CallResult; tick: number }> {
  return new Promise((resolve, reject) => {
    let tick = 0;
    const off = engine.onCommit((record) => {
      for (const call of record.calls)
        if (call.reducer === 'content_reload' && call.args.bundle === bundle) tick = record.tick;
    });
    try {
      engine.enqueue(SERVER_IDENTITY, 'content_reload', { bundle }, (result) => {
        off();
        resolve({ result, tick });
      });
      onQueued();
    } catch (error) {
      off();
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/**
 * Hot reload: watches the content directory and, when a content file changes, validates the whole
 * content; valid content that differs from the tables is swapped in by the `content_reload`
 * reducer as one transaction (so it is in the commit log and replays), invalid content is
 * reported and the old content stays. The engine's tick loop must be running (or the caller must
 * run ticks) for a swap to commit.
 *
 * @example
 * const watcher = watchContent(engine, { onReload: (o) => formatReload(o, 'content/').forEach((l) => console.log(l)) });
 */
export function watchContent(engine: Engine<ModuleDef>, options: ContentWatcherOptions = {}): ContentWatcher {
  const dir = options.dir ?? DEFAULT_CONTENT_DIR;
  const debounceMs = options.debounceMs ?? 150;
  const db = engine.db as unknown as ReadonlyDb<FrontierTables>;
  const rev = () => db.world_info.find(0)?.contentRev ?? 0;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;

  const attempt = async (trigger: ReloadTrigger, onQueued: () => void): Promise<ReloadOutcome> => {
    try {
      return await decide(trigger, onQueued);
    } finally {
      onQueued();
    }
  };

  const decide = async (trigger: ReloadTrigger, onQueued: () => void): Promise<ReloadOutcome> => {
    const sources = await readContentSources(dir);
    const result = validateContent(sources);
    let outcome: ReloadOutcome;
    if (!result.ok)
      outcome = {
        ok: false,
        trigger,
        problems: result.problems,
        message: `${result.problems.length} content problem(s); the old content stays`,
        rev: rev(),
      };
    else {
      const diff = diffContent(contentTableRows(db), storedContentRows(result.content));
      if (isEmptyDiff(diff)) outcome = { ok: true, changed: false, trigger, rev: rev() };
      else {
        const nodesDeleted = countOrphanNodes(db, diff.resource.removed);
        const { result: r, tick } = await reloadCall(engine, JSON.stringify(sources), onQueued);
        outcome = r.ok
          ? {
              ok: true,
              changed: true,
              trigger,
              tick,
              diff,
              nodesDeleted,
              orphans: countOrphans(db),
              rev: rev(),
            }
          : { ok: false, trigger, problems: [], message: `${r.code}: ${r.message}`, rev: rev() };
      }
    }
    options.onReload?.(outcome);
    return outcome;
  };

  const reload = (
    trigger: ReloadTrigger = 'edit',
    onQueued: () => void = () => {},
  ): Promise<ReloadOutcome> => {
    let called = false;
    const once = () => {
      if (called) return;
      called = true;
      onQueued();
    };
    const run = () => attempt(trigger, once);
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    return next;
  };

  const stopWatching = (error: Error) => {
    if (watcher === undefined) return;
    watcher.close();
    watcher = undefined;
    if (timer !== undefined) clearTimeout(timer);
    options.onWatchError?.(error);
  };

  if (options.watch ?? true) {
    watcher = watch(dir, (_event, file) => {
      // The directory itself was removed or renamed: the watch is dead, say so once.
      if (!existsSync(dir)) {
        stopWatching(new Error('the directory was removed or renamed'));
        return;
      }
      // Editors leave swap and backup files beside the content: only content files count.
      if (file !== null && !CONTENT_FILE_NAMES.includes(String(file))) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        void reload().catch(() => undefined);
      }, debounceMs);
    });
    // A removed or unreadable directory stops the watching, never the server.
    watcher.on('error', (error: Error) => stopWatching(error));
  }

  return {
    reload,
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      watcher?.close();
    },
  };
}
