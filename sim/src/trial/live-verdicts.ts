import type { Tier } from '../behaviour/agent';
import type { StreamSet } from '../detect/action-stream';
import { binomialUpperBound } from '../detect/binomial';
import { MIN_PLAY_SHARE, type DetectorModel, type Verdict } from '../detect/detector-model';
import { extractBatchFeatures } from '../detect/population-features';
import type { Labelled } from './evaluate';

/** What the live detector concluded about one tier of the test population. */
export interface LiveTierFigures {
  readonly tier: Tier;
  /** Identities with a verdict (they played at least 90% of the shortest bucket). */
  readonly count: number;
  /** Share flagged by the last verdict, at the end of the trial (what `suspicion` shows then). */
  readonly flaggedAtEnd: number;
  /** Share flagged by at least one verdict during play (what an admin watching `suspicion` live saw). */
  readonly everFlagged: number;
}

/** The exported detector run over every identity of the test population, as it runs live. */
export interface LiveFigures {
  /** Humans with a verdict: every one of them counts, whatever their play time. */
  readonly humans: number;
  readonly humanFprAtEnd: number;
  /** One-sided 95% upper bound (Clopper-Pearson) of {@link humanFprAtEnd}. */
  readonly humanFprAtEndUpper95: number;
  readonly humanFprEver: number;
  /** One-sided 95% upper bound of {@link humanFprEver}. */
  readonly humanFprEverUpper95: number;
  readonly tiers: readonly LiveTierFigures[];
}

/**
 * Runs the exported detector the way the live hook does: an identity is scored by the bucket for
 * the longest play it has reached, and each bucket's features are those of its first minutes, so
 * the verdicts an identity went through during play are one per bucket it reached. Unlike the
 * per-cutoff figures, which keep only the identities that played about N minutes, this counts
 * every identity, so the human false-positive rate rests on the whole population. Each world is
 * its own batch, as it would be live.
 */
export function liveFigures(
  model: DetectorModel,
  worlds: readonly { readonly streams: StreamSet; readonly labelled: readonly Labelled[] }[],
  botTiers: readonly Tier[],
): LiveFigures {
  const first = model.buckets[0]!.playMinutes;
  const byTier = new Map<Tier, { count: number; end: number; ever: number }>();
  for (const { streams, labelled } of worlds) {
    // Each bucket's batch (every stream's first minutes of that bucket), extracted once per world.
    const batches = model.buckets.map((b) =>
      extractBatchFeatures(streams.iter(), { ...model.featureOptions, untilPlayMs: b.playMinutes * 60_000 }),
    );
    for (const p of labelled) {
      const played = p.playMs / 60_000;
      if (played < first * MIN_PLAY_SHARE) continue;
      // One verdict per bucket reached, as the live hook gives them during play: the shortest bucket
      // from 90% of its minutes, every longer one once its minutes are played. The last is the bucket
      // `scoreBatch` picks at the end of play.
      let ever = false;
      let end = false;
      for (let k = 0; k < model.buckets.length; k++) {
        const b = model.buckets[k]!;
        if (k > 0 && b.playMinutes > played + 1e-9) break;
        end = b.classifier.predict(batches[k]!.get(p.identity)!) >= b.threshold;
        ever ||= end;
      }
      let t = byTier.get(p.tier);
      if (t === undefined) byTier.set(p.tier, (t = { count: 0, end: 0, ever: 0 }));
      t.count++;
      if (end) t.end++;
      if (ever) t.ever++;
    }
  }
  const humans = byTier.get('human') ?? { count: 0, end: 0, ever: 0 };
  const share = (k: number, n: number) => (n > 0 ? k / n : Number.NaN);
  return {
    humans: humans.count,
    humanFprAtEnd: share(humans.end, humans.count),
    humanFprAtEndUpper95: binomialUpperBound(humans.end, humans.count),
    humanFprEver: share(humans.ever, humans.count),
    humanFprEverUpper95: binomialUpperBound(humans.ever, humans.count),
    tiers: botTiers.map((tier) => {
      const t = byTier.get(tier) ?? { count: 0, end: 0, ever: 0 };
      return {
        tier,
        count: t.count,
        flaggedAtEnd: share(t.end, t.count),
        everFlagged: share(t.ever, t.count),
      };
    }),
  };
}

/**
 * How the live detector's current verdicts split over the tiers of a simulated population: per
 * tier, identities scored and flagged (tiers without a scored identity are left out).
 * @example
 * verdictsByTier(result.members.map((m) => ({ identity: m.identity, tier: m.agent.tier })), detector.verdicts);
 */
export function verdictsByTier(
  members: readonly { readonly identity: string; readonly tier: Tier }[],
  verdicts: ReadonlyMap<string, Verdict>,
): Map<Tier, { scored: number; flagged: number }> {
  const out = new Map<Tier, { scored: number; flagged: number }>();
  for (const m of members) {
    const v = verdicts.get(m.identity);
    if (v === undefined) continue;
    let c = out.get(m.tier);
    if (c === undefined) out.set(m.tier, (c = { scored: 0, flagged: 0 }));
    c.scored++;
    if (v.flagged) c.flagged++;
  }
  return out;
}
