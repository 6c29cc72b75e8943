import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TickspaceError } from '@tickspace/server/protocol';
import { TIER_LIST, TIERS, TRACE_TIERS, type Tier } from '../behaviour/agent';
import { TraceLibrary } from '../behaviour/trace-library';
import { StreamSet } from '../detect/action-stream';
import { detectorModelToJson, type DetectorModel, type DetectorModelJson } from '../detect/detector-model';
import { FEATURE_NAMES } from '../detect/features';
import { FrontierEventSource } from '../detect/frontier-events';
import { runInProcess, type SimProgress, type SimResult } from '../runners/in-process-runner';
import { liveFigures, type LiveFigures } from './live-verdicts';
import {
  crossValidatedThreshold,
  figuresAt,
  importanceOf,
  labelStreams,
  MODEL_KINDS,
  samplesAt,
  train,
  type CutoffFigures,
  type Labelled,
  type ModelKind,
  type Sample,
} from './evaluate';

/** The bot tiers of a trial population, in report order. */
export const BOT_TIERS: readonly Tier[] = TIER_LIST.filter((t) => t !== TIERS.HUMAN);

/** Options of {@link runTrial}; every one has a documented default. */
export interface TrialOptions {
  /** Humans per population (train and test each). @default 1000 */
  readonly humans?: number;
  /** Bots per population, split evenly over `tiers`. @default 200 */
  readonly bots?: number;
  /** Bot tiers in the populations. @default all five */
  readonly tiers?: readonly Tier[];
  /** Trial seed: train, test and trace populations derive theirs from it. @default 'trial' */
  readonly seed?: string;
  /** Logical minutes each population plays. @default 60 */
  readonly minutes?: number;
  /** Minutes of play at which accuracy is reported. @default [1, 5, 15, 60] (those <= minutes) */
  readonly cutoffs?: readonly number[];
  /** Extra cutoffs for time-to-verdict. @default [1, 2, 3, 5, 10, 15, 30, 60] (those <= minutes) */
  readonly verdictCutoffs?: readonly number[];
  /** Tier left out of training (tested as unseen). @default 'humanised' ('none' for no hold-out) */
  readonly holdout?: Tier | 'none';
  /** Human false-positive budget of the operating threshold. @default 0.001 */
  readonly fprBudget?: number;
  /** Model family. @default 'gbt' */
  readonly model?: ModelKind;
  /** Humans recorded for the replay bots' trace library. @default 30 */
  readonly traceHumans?: number;
  /** Minutes those humans play. @default 10 */
  readonly traceMinutes?: number;
  /** First connections are spread over this window, ms. @default 60_000 */
  readonly joinWindowMs?: number;
  /** World size in tiles. @default 4096 */
  readonly worldTiles?: number;
  /**
   * Keep each population's streams here and read them back when a later trial simulates the same
   * population (same seed and settings): the detector can then be retrained without simulating
   * again. Stale if the behaviour code changed since. @default '' (no cache)
   */
  readonly cacheDir?: string;
  /**
   * Only simulate (and cache) this population, then stop: two processes can fill the cache in
   * parallel and a third run evaluates from it. Needs `cacheDir`. @default '' (everything)
   */
  readonly only?: '' | 'train' | 'test';
  /** Called with each phase's progress. */
  readonly onProgress?: (phase: string, progress: SimProgress) => void;
}

/** A phase of the trial: one population run. */
export interface PhaseSummary {
  readonly name: string;
  readonly seed: string;
  readonly players: number;
  readonly tiers: Record<Tier, number>;
  readonly minutes: number;
  readonly wallMs: number;
  readonly speedup: number;
  readonly stateHash: string;
  /** Read back from the cache instead of simulated. */
  readonly cached: boolean;
}

type ResolvedTrialOptions = Required<Omit<TrialOptions, 'onProgress'>>;

/** Everything a trial measured: the JSON report. */
export interface TrialReport {
  readonly format: 'tickspace-trial-1';
  readonly options: ResolvedTrialOptions;
  readonly phases: readonly PhaseSummary[];
  /** The main cutoff (longest) results, per tier. */
  readonly main: CutoffFigures;
  /** Results at each reporting cutoff. */
  readonly byMinutes: readonly CutoffFigures[];
  /** AUC of each tier when that tier alone is left out of training (main cutoff). */
  readonly leaveOneTierOut: readonly {
    readonly tier: Tier;
    readonly auc: number;
    readonly tprAt01pctFpr: number;
  }[];
  /** The same evaluation with the other model family (a baseline). */
  readonly baseline: {
    readonly model: ModelKind;
    readonly tiers: readonly { readonly tier: Tier; readonly auc: number }[];
  };
  /** Time to a verdict: share of each tier flagged within each verdict cutoff, and the median minutes. */
  readonly verdicts: readonly {
    readonly tier: Tier;
    readonly flaggedBy: Readonly<Record<string, number>>;
    readonly medianMinutes: number | null;
  }[];
  /** Human false-positive rate at each verdict cutoff's threshold. */
  readonly verdictHumanFpr: Readonly<Record<string, number>>;
  /** The exported detector over every identity of the test population, as the live hook runs it. */
  readonly live: LiveFigures;
  /** Features the main model splits on most. */
  readonly importance: readonly { readonly feature: string; readonly splits: number }[];
  /** The trained detector (one model per verdict cutoff), loadable by the live detector. */
  readonly detector: DetectorModelJson;
  readonly wallMs: number;
}

/** One population's outcome: its summary, streams and labels. */
interface PopulationRun {
  readonly summary: PhaseSummary;
  readonly streams: StreamSet;
  readonly labelled: Labelled[];
}

/**
 * Runs a population and collects every identity's action stream from the engine's tick hook; with
 * a cache directory, a population already simulated with the same settings is read back instead.
 */
async function population(
  name: string,
  seed: string,
  mix: Partial<Record<Tier, number>>,
  o: ResolvedTrialOptions,
  traces: (() => Promise<TraceLibrary | undefined>) | undefined,
  recordTo: TraceLibrary | undefined,
  onProgress: TrialOptions['onProgress'],
): Promise<PopulationRun> {
  const minutes = name === 'traces' ? o.traceMinutes : o.minutes;
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        v: 2,
        name,
        seed,
        mix,
        minutes,
        joinWindowMs: o.joinWindowMs,
        worldTiles: o.worldTiles,
        traceHumans: o.traceHumans,
        traceMinutes: o.traceMinutes,
      }),
    )
    .digest('hex')
    .slice(0, 16);
  const cached =
    o.cacheDir === '' || recordTo !== undefined ? undefined : join(o.cacheDir, `population-${key}`);
  if (cached !== undefined && existsSync(`${cached}.json`) && existsSync(`${cached}.streams`)) {
    const meta = JSON.parse(readFileSync(`${cached}.json`, 'utf8')) as {
      summary: PhaseSummary;
      tiers: [string, Tier][];
    };
    const streams = StreamSet.deserialize(readFileSync(`${cached}.streams`));
    return {
      summary: { ...meta.summary, cached: true },
      streams,
      labelled: labelStreams(streams, new Map(meta.tiers)),
    };
  }
  const library = traces === undefined ? undefined : await traces();
  const streams = new StreamSet();
  const result = await runInProcess({
    mix,
    seed,
    minutes,
    joinWindowMs: o.joinWindowMs,
    world: { worldTiles: o.worldTiles },
    ...(library !== undefined ? { traces: library.usable(10) } : {}),
    ...(recordTo !== undefined ? { recordTo } : {}),
    onEngine: (engine) => {
      const source = new FrontierEventSource(
        streams,
        engine.tableList.map((s) => s.name),
      );
      engine.onTick((record) => source.ingest(record));
    },
    ...(onProgress !== undefined ? { onProgress: (p: SimProgress) => onProgress(name, p) } : {}),
  });
  const tiers = new Map(result.members.map((m) => [m.identity, m.agent.tier] as const));
  const summary = summaryOf(name, result);
  if (cached !== undefined) {
    mkdirSync(o.cacheDir, { recursive: true });
    writeFileSync(`${cached}.streams`, streams.serialize());
    writeFileSync(`${cached}.json`, JSON.stringify({ summary, tiers: [...tiers] }));
  }
  return { summary, streams, labelled: labelStreams(streams, tiers) };
}

function summaryOf(name: string, r: SimResult): PhaseSummary {
  return {
    name,
    seed: r.seed,
    players: r.players,
    tiers: r.tiers,
    minutes: r.virtualMs / 60_000,
    wallMs: r.wallMs,
    speedup: r.speedup,
    stateHash: r.stateHash,
    cached: false,
  };
}

/**
 * Runs a bot-detection trial: records human traces (for replay bots), runs a training population
 * and a test population on separate seeds (humans and bots of every tier sharing one world each),
 * trains the detector on the training streams without the held-out tier, picks the operating
 * threshold from cross-validated human scores, and measures the test population: ROC AUC per tier,
 * true-positive rates at 1% and 0.1% false positives, the human false-positive rate at the
 * threshold, accuracy against minutes of play, time to a verdict, and a leave-one-tier-out table.
 * The same options give the same report (wall times aside). With `only`, it simulates one
 * population into the cache and resolves with undefined.
 * @throws TickspaceError INVALID_ARGUMENT for an empty population or an unknown tier
 * @example
 * const report = await runTrial({ humans: 100, bots: 25, minutes: 10, seed: 'ci' });
 * console.log(report.main.tiers.map((t) => `${t.tier} ${t.auc}`));
 */
export async function runTrial(
  options: TrialOptions & { readonly only: 'train' | 'test' },
): Promise<undefined>;
export async function runTrial(options?: TrialOptions): Promise<TrialReport>;
export async function runTrial(options: TrialOptions = {}): Promise<TrialReport | undefined> {
  const started = performance.now();
  const minutes = options.minutes ?? 60;
  const o: ResolvedTrialOptions = {
    humans: options.humans ?? 1000,
    bots: options.bots ?? 200,
    tiers: options.tiers ?? BOT_TIERS,
    seed: options.seed ?? 'trial',
    minutes,
    cutoffs: (options.cutoffs ?? [1, 5, 15, 60]).filter((m) => m <= minutes),
    verdictCutoffs: (options.verdictCutoffs ?? [1, 2, 3, 5, 10, 15, 30, 60]).filter((m) => m <= minutes),
    holdout: options.holdout ?? TIERS.HUMANISED,
    fprBudget: options.fprBudget ?? 0.001,
    model: options.model ?? MODEL_KINDS.GBT,
    traceHumans: options.traceHumans ?? 30,
    traceMinutes: options.traceMinutes ?? 10,
    joinWindowMs: options.joinWindowMs ?? 60_000,
    worldTiles: options.worldTiles ?? 4096,
    cacheDir: options.cacheDir ?? '',
    only: options.only ?? '',
  };
  if (o.only !== '' && o.cacheDir === '')
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `only '${o.only}' needs a cacheDir to keep the population in`,
    );
  if (o.humans < 2 || o.bots < o.tiers.length)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `a trial needs at least 2 humans and one bot per tier (${o.tiers.length}), got ${o.humans} humans and ${o.bots} bots`,
    );
  for (const t of o.tiers)
    if (!BOT_TIERS.includes(t)) throw new TickspaceError('INVALID_ARGUMENT', `unknown bot tier '${t}'`);
  if (o.cutoffs.length === 0)
    throw new TickspaceError('INVALID_ARGUMENT', `no reporting cutoff fits in ${minutes} minutes`);
  const mix: Partial<Record<Tier, number>> = { human: o.humans };
  o.tiers.forEach(
    (t, i) => (mix[t] = Math.floor(o.bots / o.tiers.length) + (i < o.bots % o.tiers.length ? 1 : 0)),
  );

  const phases: PhaseSummary[] = [];
  // Human traces for the replay bots, recorded once, and only if a population must be simulated.
  let library: Promise<TraceLibrary> | undefined;
  const traces = !o.tiers.some((t) => TRACE_TIERS.includes(t))
    ? undefined
    : () =>
        (library ??= (async () => {
          const lib = new TraceLibrary();
          const rec = await population(
            'traces',
            `${o.seed}/traces`,
            { human: o.traceHumans },
            o,
            undefined,
            lib,
            options.onProgress,
          );
          phases.push(rec.summary);
          return lib;
        })());
  if (o.only !== '') {
    await population(o.only, `${o.seed}/${o.only}`, mix, o, traces, undefined, options.onProgress);
    return undefined;
  }
  const trainPop = await population(
    'train',
    `${o.seed}/train`,
    mix,
    o,
    traces,
    undefined,
    options.onProgress,
  );
  phases.push(trainPop.summary);
  const testPop = await population('test', `${o.seed}/test`, mix, o, traces, undefined, options.onProgress);
  phases.push(testPop.summary);

  const heldOut = new Set<Tier>(o.holdout === 'none' ? [] : [o.holdout]);
  const trainable = (s: readonly Sample[]) => s.filter((x) => !heldOut.has(x.tier));
  const cutoffSet = [...new Set([...o.cutoffs, ...o.verdictCutoffs])].sort((a, b) => a - b);
  const byCutoff = new Map<
    number,
    {
      figures: CutoffFigures;
      model: ReturnType<typeof train>;
      threshold: number;
      test: Sample[];
      trainSet: Sample[];
    }
  >();
  for (const m of cutoffSet) {
    const trainSet = trainable(samplesAt(trainPop.streams, trainPop.labelled, m));
    const test = samplesAt(testPop.streams, testPop.labelled, m);
    if (
      !trainSet.some((s) => s.tier === TIERS.HUMAN) ||
      !trainSet.some((s) => s.tier !== TIERS.HUMAN) ||
      test.length === 0
    )
      continue;
    const model = train(o.model, trainSet);
    const threshold = crossValidatedThreshold(o.model, trainSet, o.fprBudget);
    byCutoff.set(m, {
      figures: figuresAt(m, model, threshold, test, o.tiers, heldOut),
      model,
      threshold,
      test,
      trainSet,
    });
  }
  const mainMinutes = Math.max(...o.cutoffs.filter((m) => byCutoff.has(m)));
  const main = byCutoff.get(mainMinutes);
  if (main === undefined)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      'no cutoff had both humans and bots with enough play to train on',
    );

  // Leave one tier out: does the detector catch a kind of bot it has never seen?
  const allTrain = samplesAt(trainPop.streams, trainPop.labelled, mainMinutes);
  const leaveOneTierOut = o.tiers.map((tier) => {
    const fit = allTrain.filter((s) => s.tier !== tier);
    if (!fit.some((s) => s.tier !== TIERS.HUMAN)) return { tier, auc: Number.NaN, tprAt01pctFpr: Number.NaN };
    const model = train(o.model, fit);
    const f = figuresAt(mainMinutes, model, main.threshold, main.test, [tier], new Set([tier]));
    return {
      tier,
      auc: f.tiers[0]?.auc ?? Number.NaN,
      tprAt01pctFpr: f.tiers[0]?.tprAt01pctFpr ?? Number.NaN,
    };
  });
  const otherKind = o.model === MODEL_KINDS.LR ? MODEL_KINDS.GBT : MODEL_KINDS.LR;
  const baselineModel = train(otherKind, main.trainSet);
  const baselineFigures = figuresAt(mainMinutes, baselineModel, main.threshold, main.test, o.tiers, heldOut);

  // Time to a verdict: the first verdict cutoff at which each test bot is flagged.
  const verdictMinutes = o.verdictCutoffs.filter((m) => byCutoff.has(m));
  const firstFlag = new Map<string, number>();
  const verdictHumanFpr: Record<string, number> = {};
  for (const m of verdictMinutes) {
    const c = byCutoff.get(m)!;
    verdictHumanFpr[String(m)] = c.figures.humanFpr;
    for (const s of c.test)
      if (s.tier !== TIERS.HUMAN && !firstFlag.has(s.identity) && c.model.predict(s.x) >= c.threshold)
        firstFlag.set(s.identity, m);
  }
  const verdicts = o.tiers.map((tier) => {
    const bots = testPop.labelled.filter((l) => l.tier === tier);
    const flaggedBy: Record<string, number> = {};
    for (const m of verdictMinutes)
      flaggedBy[String(m)] =
        bots.length === 0
          ? Number.NaN
          : bots.filter((b) => (firstFlag.get(b.identity) ?? Infinity) <= m).length / bots.length;
    const times = bots
      .map((b) => firstFlag.get(b.identity) ?? Number.POSITIVE_INFINITY)
      .sort((a, b) => a - b);
    const median = times.length === 0 ? Number.POSITIVE_INFINITY : times[Math.floor((times.length - 1) / 2)]!;
    return { tier, flaggedBy, medianMinutes: Number.isFinite(median) ? median : null };
  });

  const detectorModel: DetectorModel = {
    featureNames: FEATURE_NAMES,
    featureOptions: {},
    buckets: verdictMinutes.map((m) => ({
      playMinutes: m,
      classifier: byCutoff.get(m)!.model,
      threshold: byCutoff.get(m)!.threshold,
    })),
  };
  const detector = detectorModelToJson(detectorModel);
  const live = liveFigures(detectorModel, testPop.streams, testPop.labelled, o.tiers);
  return {
    format: 'tickspace-trial-1',
    options: o,
    phases,
    main: main.figures,
    byMinutes: o.cutoffs.filter((m) => byCutoff.has(m)).map((m) => byCutoff.get(m)!.figures),
    leaveOneTierOut,
    baseline: { model: otherKind, tiers: baselineFigures.tiers.map((t) => ({ tier: t.tier, auc: t.auc })) },
    verdicts,
    verdictHumanFpr,
    live,
    importance: importanceOf(main.model).slice(0, 12),
    detector,
    wallMs: performance.now() - started,
  };
}
