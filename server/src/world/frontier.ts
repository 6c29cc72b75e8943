import type { Content } from '@tickspace/content/schema';
import type { Engine } from '../engine';
import { readContentSources, DEFAULT_CONTENT_DIR } from './content-files';
import { contentError, validateContent, type ContentProblem, type ContentSources } from './content-loader';
import { contentFiles } from './content-tables';
import { createFrontierModule, resolveOptions, type FrontierModule } from './frontier-core';
import { initRapier, type PhysicsCache, type PhysicsStats } from './physics';
import type { FrontierOptions, ResolvedOptions, StepClock, StepStats } from './runtime';
import type { PlayerTravel } from './travel';

/** What {@link createFrontier} returns. */
export interface Frontier {
  /** The module to pass to `createEngine`. */
  readonly module: FrontierModule;
  /**
   * The content loaded at start, which a new world's init writes (later reloads live in the
   * tables); undefined when `lenientContent` let invalid content through.
   */
  readonly content: Content | undefined;
  /** The content file texts loaded at start (undefined when `options.content` was given). */
  readonly sources: ContentSources | undefined;
  /** Every problem of the content read at start (empty when it is valid). */
  readonly contentProblems: readonly ContentProblem[];
  /** The content directory read at start (undefined when `options.content` was given). */
  readonly contentDir: string | undefined;
  /** The options with defaults filled. */
  readonly options: ResolvedOptions;
  /** Physics counters of one engine running this module. */
  physicsStats(engine: Engine<FrontierModule>): PhysicsStats;
  /** The physics cache of one engine running this module (tests clear it to prove rebuilds match). */
  physics(engine: Engine<FrontierModule>): PhysicsCache;
  /** Timing of the last physics step (any engine). */
  readonly lastStep: Readonly<StepStats>;
  /** What travels with a player between regions: wired into the regions kit by a region host. */
  readonly travel: PlayerTravel;
}

export type { FrontierModule } from './frontier-core';

/**
 * The init data of a new world: the content files it starts with, logged as `__init`'s payload
 * so a replay from tick 1 writes this content whatever the files say by then.
 */
function initDataOf(files: ContentSources | undefined, invalid: () => never) {
  return () => (files === undefined ? invalid() : { content: files });
}

/** The process's clocks, for the step timings benchmarks read. */
const PROCESS_CLOCK: StepClock = {
  wallMs: () => performance.now(),
  cpuMs: () => {
    const d = process.cpuUsage();
    return (d.user + d.system) / 1000;
  },
};

/**
 * Creates the Frontier world module: loads and validates the content, initialises rapier, and
 * returns a module for `createEngine`. Init writes the content tables, generates the chunks around
 * the spawn point and schedules the physics step and chat pruning.
 *
 * @throws TickspaceError INVALID_CONTENT listing every content problem; INVALID_ARGUMENT for bad options.
 * @example
 * const frontier = await createFrontier({ seed: 'demo' });
 * const engine = createEngine({ module: frontier.module, seed: 'demo', tickMs: 50 });
 * engine.enqueue(alice, 'join', { name: 'Alice' });
 * engine.runTick();
 */
export async function createFrontier(options: FrontierOptions = {}): Promise<Frontier> {
  const { contentDir: _d, content: _c, lenientContent: _l, rapier, clock, ...settings } = options;
  resolveOptions(settings); // bad settings are reported before any file is read
  let content = options.content;
  let sources: ContentSources | undefined;
  let problems: readonly ContentProblem[] = [];
  const dir = options.content === undefined ? (options.contentDir ?? DEFAULT_CONTENT_DIR) : undefined;
  if (dir !== undefined) {
    sources = await readContentSources(dir);
    const result = validateContent(sources);
    if (!result.ok && options.lenientContent !== true) throw contentError(result.problems, dir);
    content = result.content;
    problems = result.problems;
  }
  if (options.rapier === undefined) await initRapier();
  const files = content === undefined ? undefined : (sources ?? contentFiles(content));
  const {
    module,
    runtime: rt,
    travel,
  } = createFrontierModule(settings, {
    initData: initDataOf(files, () => {
      throw contentError(problems, `${dir}: this new world cannot start`);
    }),
    rapier,
    clock: clock ?? PROCESS_CLOCK,
  });
  const resolved = rt.options;
  return {
    module,
    content,
    sources,
    contentProblems: problems,
    contentDir: dir,
    options: resolved,
    physicsStats: (engine) => rt.physics(engine.db).stats,
    physics: (engine) => rt.physics(engine.db),
    lastStep: rt.lastStep,
    travel,
  };
}
