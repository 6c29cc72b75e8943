import type { Engine, ModuleDef } from '../engine';
import { readContentSources } from './content-files';
import { contentError, validateContent } from './content-loader';
import { formatReload, watchContent, type ContentWatcher, type ReloadOutcome } from './hot-reload';

/** Options for {@link serveContent}. */
export interface ServeContentOptions {
  /** The content directory the server follows. */
  readonly dir: string;
  /** Quiet time after the last file event before reloading. @default 150 */
  readonly debounceMs?: number;
  /** Receives every line for the operator. @default console.log */
  readonly print?: (line: string) => void;
  /** Called after every reload attempt (start-up included), after its lines are printed. */
  readonly onReload?: (outcome: ReloadOutcome) => void;
}

/** A server's content follower: {@link serveContent}. */
export interface ServedContent {
  /** The start-up reconciliation: resolves once it is committed (undefined for a new world). */
  readonly startup: Promise<ReloadOutcome | undefined>;
  /** The watcher (its `reload()` applies the files now). */
  readonly watcher: ContentWatcher;
  /** Stops watching. */
  close(): void;
}

/**
 * Makes a server follow its content directory, for a recovered engine whose tick loop has not
 * started yet:
 * - a new world must have valid content (its init writes it in tick 1): otherwise this throws
 *   INVALID_CONTENT listing every problem, and the server must not start;
 * - a world with history whose tables differ from the files gets them in its first tick, as a
 *   logged `content_reload`, with the same one line an edit prints; if the files are invalid the
 *   world keeps the content in its tables and every problem is printed;
 * - then every save in the directory is applied (debounced) or rejected the same way.
 *
 * @throws TickspaceError INVALID_CONTENT for a new world with invalid content.
 * @example
 * const content = await serveContent(engine, { dir: 'content/' });
 * engine.start();
 * // ... on stop: content.close();
 */
export async function serveContent(
  engine: Engine<ModuleDef>,
  options: ServeContentOptions,
): Promise<ServedContent> {
  const print = options.print ?? ((line: string) => console.log(line));
  const report = (outcome: ReloadOutcome) => {
    for (const line of formatReload(outcome, options.dir)) print(line);
    options.onReload?.(outcome);
  };
  if (!engine.initialized) {
    const result = validateContent(await readContentSources(options.dir));
    if (!result.ok) throw contentError(result.problems, `${options.dir}: this new world cannot start`);
  }
  const watcher = watchContent(engine, {
    dir: options.dir,
    ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
    onReload: report,
    onWatchError: (error) =>
      print(
        `content: stopped following ${options.dir} (${error.message}); restart the server to follow it again`,
      ),
  });
  // Queued before this returns (so before the tick loop starts): it commits in the first tick.
  let startup: Promise<ReloadOutcome | undefined> = Promise.resolve(undefined);
  if (engine.initialized)
    await new Promise<void>((queued) => {
      startup = watcher.reload('startup', queued);
    });
  print(`  content: following ${options.dir} (every save is applied as a logged content_reload tick)`);
  return { startup, watcher, close: () => watcher.close() };
}
