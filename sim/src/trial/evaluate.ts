import type { Tier } from '../behaviour/agent';
import type { StreamSet } from '../detect/action-stream';
import type { Classifier } from '../detect/classifier';
import { MIN_PLAY_SHARE } from '../detect/detector-model';
import { playTimeMs } from '../detect/features';
import {
  DETECTOR_FEATURE_NAMES,
  extractBatchFeatures,
  type DetectorFeatureName,
  type PopulationFeatureOptions,
} from '../detect/population-features';
import { EnsembleClassifier } from '../detect/ensemble';
import { trainGradientBoosting, type GradientBoostingOptions } from '../detect/gradient-boosting';
import { trainLogisticRegression } from '../detect/logistic-regression';
import { flaggedRate, rocAuc, rocCurve, thresholdForFpr, tprAtFpr, type RocPoint } from '../detect/roc';

/** One identity of a population: its stream and its ground truth. */
export interface Labelled {
  readonly identity: string;
  readonly tier: Tier;
  readonly playMs: number;
}

/** Feature rows of a population at one cutoff. */
export interface Sample {
  readonly identity: string;
  readonly tier: Tier;
  readonly x: Float64Array;
}

/** Model families the trial can train. */
export const MODEL_KINDS = { GBT: 'gbt', LR: 'lr', ENSEMBLE: 'ensemble' } as const;
/** One of {@link MODEL_KINDS}. */
export type ModelKind = (typeof MODEL_KINDS)[keyof typeof MODEL_KINDS];

/** Labels a stream set with tiers; identities with no stream are left out. */
export function labelStreams(streams: StreamSet, tiers: ReadonlyMap<string, Tier>): Labelled[] {
  const out: Labelled[] = [];
  for (const [identity, tier] of tiers) {
    const s = streams.find(identity);
    if (s !== undefined) out.push({ identity, tier, playMs: playTimeMs(s) });
  }
  return out;
}

/**
 * Feature rows of the identities that played at least `minShare` of `minutes` (so a 60-minute
 * verdict rests on about 60 minutes of play), computed on their first `minutes` of play. The batch
 * is the whole stream set (one world): population features compare each identity with all others.
 */
export function samplesAt(
  streams: StreamSet,
  population: readonly Labelled[],
  minutes: number,
  options: Omit<PopulationFeatureOptions, 'untilPlayMs'> = {},
  minShare = MIN_PLAY_SHARE,
): Sample[] {
  const x = extractBatchFeatures(streams.iter(), { ...options, untilPlayMs: minutes * 60_000 });
  const out: Sample[] = [];
  for (const p of population) {
    if (p.playMs < minutes * 60_000 * minShare) continue;
    out.push({ identity: p.identity, tier: p.tier, x: x.get(p.identity)! });
  }
  return out;
}

/**
 * Features a bot sets by choice at no cost to its farming: how much it chats and trades, how often
 * it logs off, how long it pauses. No training bot may be told from humans by these alone, so
 * {@link train} shows the model each training bot a second time with these values taken from a
 * human (imitation augmentation): the first split can no longer be "chat count is zero".
 */
export const IMITABLE_FEATURES: readonly DetectorFeatureName[] = [
  'chat_per_hour',
  'trade_per_hour',
  'trade_partners',
  'sessions_per_hour',
  'idle_gap_frac',
  'longest_gap_min',
];

/**
 * Training rows with every bot also present as an imitator: a copy whose {@link IMITABLE_FEATURES}
 * are a human's (humans picked in a fixed stride, so training stays deterministic).
 */
export function withImitators(samples: readonly Sample[]): Sample[] {
  const humans = samples.filter((s) => s.tier === 'human');
  if (humans.length === 0) return [...samples];
  const slots = IMITABLE_FEATURES.map((f) => DETECTOR_FEATURE_NAMES.indexOf(f));
  const out = [...samples];
  let k = 0;
  for (const s of samples) {
    if (s.tier === 'human') continue;
    const h = humans[(k++ * 7919) % humans.length]!;
    const x = Float64Array.from(s.x);
    for (const slot of slots) x[slot] = h.x[slot]!;
    out.push({ identity: `${s.identity}~imitator`, tier: s.tier, x });
  }
  return out;
}

/** Trains a classifier of the given family (deterministic). */
export function train(
  kind: ModelKind,
  samples: readonly Sample[],
  gbt: GradientBoostingOptions = {},
): Classifier {
  const rows = withImitators(samples);
  const data = { x: rows.map((s) => s.x), y: rows.map((s) => (s.tier === 'human' ? 0 : 1)) };
  if (kind === MODEL_KINDS.LR) return trainLogisticRegression(data);
  if (kind === MODEL_KINDS.ENSEMBLE)
    return new EnsembleClassifier([trainGradientBoosting(data, gbt), trainLogisticRegression(data)]);
  return trainGradientBoosting(data, gbt);
}

/**
 * The operating threshold: the lowest score at which at most `fprBudget` of humans would be
 * flagged, judged on out-of-fold scores (k-fold cross-validation on the training set), because
 * a model's scores on its own training rows are optimistic.
 */
export function crossValidatedThreshold(
  kind: ModelKind,
  samples: readonly Sample[],
  fprBudget: number,
  folds = 5,
  gbt: GradientBoostingOptions = {},
): number {
  const humanScores: number[] = [];
  for (let k = 0; k < folds; k++) {
    const fit = samples.filter((_, i) => i % folds !== k);
    const held = samples.filter((_, i) => i % folds === k);
    if (!fit.some((s) => s.tier === 'human') || !fit.some((s) => s.tier !== 'human')) continue;
    const model = train(kind, fit, gbt);
    for (const s of held) if (s.tier === 'human') humanScores.push(model.predict(s.x));
  }
  return thresholdForFpr(humanScores, fprBudget);
}

/** Figures for one bot tier against the humans of the same test set. */
export interface TierFigures {
  readonly tier: Tier;
  readonly bots: number;
  readonly auc: number;
  readonly tprAt1pctFpr: number;
  readonly tprAt01pctFpr: number;
  /** Share of this tier flagged at the operating threshold. */
  readonly recall: number;
  /** Whether the model was trained without this tier. */
  readonly heldOut: boolean;
}

/** Figures for one cutoff (minutes of play). */
export interface CutoffFigures {
  readonly minutes: number;
  readonly humans: number;
  readonly bots: number;
  readonly threshold: number;
  /** Share of test humans flagged at the threshold. */
  readonly humanFpr: number;
  /** (true positives + true negatives) / everyone at the threshold. */
  readonly accuracy: number;
  /** AUC of all bots against humans. */
  readonly auc: number;
  readonly tiers: readonly TierFigures[];
  /** ROC points of each tier (for the plot). */
  readonly roc: Readonly<Record<string, readonly RocPoint[]>>;
}

/** Scores a test set with a trained model and its threshold. */
export function figuresAt(
  minutes: number,
  model: Classifier,
  threshold: number,
  test: readonly Sample[],
  botTiers: readonly Tier[],
  heldOut: ReadonlySet<Tier>,
): CutoffFigures {
  const scores = test.map((s) => model.predict(s.x));
  const humans = scores.filter((_, i) => test[i]!.tier === 'human');
  const bots = scores.filter((_, i) => test[i]!.tier !== 'human');
  let correct = 0;
  for (let i = 0; i < test.length; i++)
    if (scores[i]! >= threshold === (test[i]!.tier !== 'human')) correct++;
  const tiers: TierFigures[] = [];
  const roc: Record<string, RocPoint[]> = {};
  for (const tier of botTiers) {
    const mine = scores.filter((_, i) => test[i]!.tier === tier);
    if (mine.length === 0) continue;
    tiers.push({
      tier,
      bots: mine.length,
      auc: rocAuc(mine, humans),
      tprAt1pctFpr: tprAtFpr(mine, humans, 0.01),
      tprAt01pctFpr: tprAtFpr(mine, humans, 0.001),
      recall: flaggedRate(mine, threshold),
      heldOut: heldOut.has(tier),
    });
    roc[tier] = thin(rocCurve(mine, humans));
  }
  return {
    minutes,
    humans: humans.length,
    bots: bots.length,
    threshold,
    humanFpr: flaggedRate(humans, threshold),
    accuracy: test.length > 0 ? correct / test.length : Number.NaN,
    auc: rocAuc(bots, humans),
    tiers,
    roc,
  };
}

/** Keeps an ROC curve small enough for a report: every corner where the curve turns. */
function thin(points: readonly RocPoint[]): RocPoint[] {
  if (points.length <= 400) return [...points];
  const step = Math.ceil(points.length / 400);
  return points.filter((_, i) => i % step === 0 || i === points.length - 1);
}

/**
 * How many trees of a GBT model split first on each feature, largest first: a model whose trees
 * mostly open on one cheap feature (the old "chat count is zero") leans on it.
 */
export function rootSplitsOf(model: Classifier): { feature: string; trees: number }[] {
  const json = model.toJSON();
  const trees = json.trees as { f?: number }[][] | undefined;
  if (json.kind !== 'gradient-boosted-trees' || trees === undefined) return [];
  const counts = new Map<number, number>();
  for (const t of trees) if (t[0]?.f !== undefined) counts.set(t[0].f, (counts.get(t[0].f) ?? 0) + 1);
  return [...counts]
    .map(([f, trees]) => ({ feature: DETECTOR_FEATURE_NAMES[f] ?? `#${f}`, trees }))
    .sort((a, b) => b.trees - a.trees);
}

/** Split-count importance of a GBT model by feature name, largest first. */
export function importanceOf(model: Classifier): { feature: string; splits: number }[] {
  const imp = (model as { importance?: () => Float64Array }).importance?.();
  if (imp === undefined) return [];
  return DETECTOR_FEATURE_NAMES.map((feature, i) => ({ feature, splits: imp[i] ?? 0 }))
    .filter((f) => f.splits > 0)
    .sort((a, b) => b.splits - a.splits);
}

/**
 * The features a model needs most to tell one tier from the humans of a test set: permutation
 * importance, the loss of ROC AUC when one feature's values are shuffled among that tier's bots
 * and the humans (a fixed permutation per feature, so the answer is deterministic), largest first.
 */
export function tierImportance(
  model: Classifier,
  test: readonly Sample[],
  tier: Tier,
  top = 5,
): { feature: string; aucDrop: number }[] {
  const rows = test.filter((s) => s.tier === tier || s.tier === 'human');
  const bots = rows.filter((s) => s.tier === tier);
  if (bots.length === 0 || bots.length === rows.length) return [];
  const aucOf = (xs: readonly Float64Array[]) => {
    const scores = xs.map((x) => model.predict(x));
    return rocAuc(
      scores.filter((_, i) => rows[i]!.tier === tier),
      scores.filter((_, i) => rows[i]!.tier === 'human'),
    );
  };
  const base = aucOf(rows.map((s) => s.x));
  const out: { feature: string; aucDrop: number }[] = [];
  for (let f = 0; f < DETECTOR_FEATURE_NAMES.length; f++) {
    // A fixed-stride permutation (stride coprime with the row count) moves every value elsewhere.
    let stride = Math.max(1, Math.floor(rows.length * 0.618));
    while (gcd(stride, rows.length) !== 1) stride++;
    const xs = rows.map((s, i) => {
      const x = Float64Array.from(s.x);
      x[f] = rows[(i * stride + f) % rows.length]!.x[f]!;
      return x;
    });
    out.push({ feature: DETECTOR_FEATURE_NAMES[f]!, aucDrop: base - aucOf(xs) });
  }
  return out
    .filter((x) => x.aucDrop > 0)
    .sort((a, b) => b.aucDrop - a.aucDrop)
    .slice(0, top);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
