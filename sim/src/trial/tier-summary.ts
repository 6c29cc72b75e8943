/**
 * One tier's figures in a trial: separation and operating point under the main cutoff's model,
 * the share of its test bots first flagged by each cutoff's model, and the features it needs most.
 */
import type { Tier } from '../behaviour/agent';
import type { StreamSet } from '../detect/action-stream';
import {
  samplesAt,
  tierImportance,
  type CutoffFigures,
  type Labelled,
  type Sample,
  type train,
} from './evaluate';
import type { PhaseSummary } from './trial';

/** Figures of one tier under one model: separation, operating point and time to a verdict. */
export interface TierSummary {
  readonly tier: Tier;
  readonly bots: number;
  readonly auc: number;
  readonly tprAt1pctFpr: number;
  readonly tprAt01pctFpr: number;
  /** Share flagged within each verdict cutoff (minutes of play). */
  readonly flaggedBy: Readonly<Record<string, number>>;
  /** Median minutes to the first flag, or null if fewer than half were flagged. */
  readonly medianMinutes: number | null;
  /** Whether the model was trained without this tier. */
  readonly heldOut: boolean;
  /** Features the model needs most for this tier (permutation AUC drop on the test set). */
  readonly topFeatures: readonly { readonly feature: string; readonly aucDrop: number }[];
}

/** One population's outcome: its summary, streams and labels. */
export interface PopulationRun {
  readonly summary: PhaseSummary;
  readonly streams: StreamSet;
  readonly labelled: Labelled[];
}

/** A tier with no test bots in the trial: every figure unknown. */
export function emptySummary(tier: Tier): TierSummary {
  return {
    tier,
    bots: 0,
    auc: Number.NaN,
    tprAt1pctFpr: Number.NaN,
    tprAt01pctFpr: Number.NaN,
    flaggedBy: {},
    medianMinutes: null,
    heldOut: true,
    topFeatures: [],
  };
}

/**
 * One tier's summary under a set of per-cutoff models: the main cutoff's figures, the share of the
 * tier's test bots first flagged by each cutoff's model at its threshold, and its top features.
 */
export function summarise(
  tier: Tier,
  heldOut: boolean,
  figures: CutoffFigures,
  model: ReturnType<typeof train>,
  mainTest: readonly Sample[],
  models: ReadonlyMap<number, { readonly model: ReturnType<typeof train>; readonly threshold: number }>,
  verdictMinutes: readonly number[],
  testWorlds: readonly PopulationRun[],
): TierSummary {
  const f = figures.tiers.find((t) => t.tier === tier);
  const firstFlag = new Map<string, number>();
  for (const m of [...verdictMinutes].sort((a, b) => a - b)) {
    const c = models.get(m)!;
    for (const w of testWorlds) {
      const bots = w.labelled.filter((l) => l.tier === tier && !firstFlag.has(l.identity));
      if (bots.length === 0) continue;
      // The samples of this cutoff were computed once per world; look the bots up among them.
      for (const s of sampleCache(w, m))
        if (s.tier === tier && !firstFlag.has(s.identity) && c.model.predict(s.x) >= c.threshold)
          firstFlag.set(s.identity, m);
    }
  }
  const bots = testWorlds.flatMap((w) => w.labelled.filter((l) => l.tier === tier));
  const flaggedBy: Record<string, number> = {};
  for (const m of verdictMinutes)
    flaggedBy[String(m)] =
      bots.length === 0
        ? Number.NaN
        : bots.filter((b) => (firstFlag.get(b.identity) ?? Infinity) <= m).length / bots.length;
  const times = bots.map((b) => firstFlag.get(b.identity) ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  const median = times.length === 0 ? Number.POSITIVE_INFINITY : times[Math.floor((times.length - 1) / 2)]!;
  return {
    tier,
    bots: f?.bots ?? 0,
    auc: f?.auc ?? Number.NaN,
    tprAt1pctFpr: f?.tprAt1pctFpr ?? Number.NaN,
    tprAt01pctFpr: f?.tprAt01pctFpr ?? Number.NaN,
    flaggedBy,
    medianMinutes: Number.isFinite(median) ? median : null,
    heldOut,
    topFeatures: tierImportance(model, mainTest, tier),
  };
}

const samplesByWorld = new WeakMap<PopulationRun, Map<number, Sample[]>>();
/** A world's samples at a cutoff, computed once (the population features need the whole batch). */
export function sampleCache(w: PopulationRun, m: number): Sample[] {
  let byM = samplesByWorld.get(w);
  if (byM === undefined) samplesByWorld.set(w, (byM = new Map()));
  let s = byM.get(m);
  if (s === undefined) byM.set(m, (s = samplesAt(w.streams, w.labelled, m)));
  return s;
}
