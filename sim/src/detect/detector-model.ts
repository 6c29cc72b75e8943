import { TickspaceError } from '@tickspace/server/protocol';
import type { ActionStream } from './action-stream';
import type { Classifier, ClassifierJson } from './classifier';
import { playTimeMs } from './features';
import {
  DETECTOR_FEATURE_NAMES,
  extractBatchFeatures,
  type PopulationFeatureOptions,
} from './population-features';
import { EnsembleClassifier } from './ensemble';
import { GradientBoostedTrees } from './gradient-boosting';
import { LogisticRegression } from './logistic-regression';

/** One play-time bucket: a classifier trained on the first `playMinutes` of play and its threshold. */
export interface DetectorBucket {
  readonly playMinutes: number;
  readonly classifier: Classifier;
  /** Scores >= this are flagged (chosen for the false-positive budget on out-of-fold training scores). */
  readonly threshold: number;
}

/** A trained detector: one classifier per play-time bucket. */
export interface DetectorModel {
  readonly featureNames: readonly string[];
  readonly buckets: readonly DetectorBucket[];
  /** Feature options the classifiers were trained with (reducer names, windows). */
  readonly featureOptions: Omit<PopulationFeatureOptions, 'untilPlayMs'>;
}

/** The JSON form of a {@link DetectorModel}. */
export interface DetectorModelJson {
  readonly format: 'tickspace-detector-1';
  readonly featureNames: readonly string[];
  readonly buckets: readonly {
    readonly playMinutes: number;
    readonly threshold: number;
    readonly classifier: ClassifierJson;
  }[];
  readonly featureOptions: Omit<PopulationFeatureOptions, 'untilPlayMs'>;
}

/** A verdict on one identity. */
export interface Verdict {
  readonly score: number;
  readonly flagged: boolean;
  /** Play time the verdict rests on, minutes. */
  readonly playMinutes: number;
  /** The bucket used. */
  readonly bucketMinutes: number;
}

/** Share of a bucket's minutes an identity must have played for a verdict (the trial trains on the same share). */
export const MIN_PLAY_SHARE = 0.9;

/** Turns a classifier JSON back into a classifier. @throws TickspaceError INVALID_ARGUMENT for an unknown kind */
export function loadClassifier(json: ClassifierJson): Classifier {
  if (json.kind === 'gradient-boosted-trees') return GradientBoostedTrees.fromJSON(json);
  if (json.kind === 'logistic-regression') return LogisticRegression.fromJSON(json);
  if (json.kind === 'ensemble')
    return new EnsembleClassifier((json.members as ClassifierJson[]).map(loadClassifier));
  throw new TickspaceError('INVALID_ARGUMENT', `unknown classifier kind '${String(json.kind)}'`, {
    details: { kind: json.kind },
  });
}

/** Serialises a model. */
export function detectorModelToJson(model: DetectorModel): DetectorModelJson {
  return {
    format: 'tickspace-detector-1',
    featureNames: model.featureNames,
    featureOptions: model.featureOptions,
    buckets: model.buckets.map((b) => ({
      playMinutes: b.playMinutes,
      threshold: b.threshold,
      classifier: b.classifier.toJSON(),
    })),
  };
}

/**
 * Loads a model saved with {@link detectorModelToJson}.
 * @throws TickspaceError INVALID_ARGUMENT if the format or the feature list does not match this build
 */
export function loadDetectorModel(json: DetectorModelJson): DetectorModel {
  if (json.format !== 'tickspace-detector-1')
    throw new TickspaceError('INVALID_ARGUMENT', `detector model: unknown format '${String(json.format)}'`);
  if (json.featureNames.join(',') !== DETECTOR_FEATURE_NAMES.join(','))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      'detector model: trained on a different feature list; retrain it with this build (npm run sim -- trial)',
    );
  if (json.buckets.length === 0) throw new TickspaceError('INVALID_ARGUMENT', 'detector model: no buckets');
  return {
    featureNames: json.featureNames,
    featureOptions: json.featureOptions,
    buckets: [...json.buckets]
      .sort((a, b) => a.playMinutes - b.playMinutes)
      .map((b) => ({
        playMinutes: b.playMinutes,
        threshold: b.threshold,
        classifier: loadClassifier(b.classifier),
      })),
  };
}

/**
 * Scores the identities of a batch (a world's streams, scored together because the population
 * features compare each identity with the others over the same minutes of play). Each identity is
 * scored by the bucket for the longest play it has reached (the shortest if it has played less),
 * on the features of its first `bucket` minutes; the batch for that bucket is every stream's first
 * `bucket` minutes. `only` limits which identities get a verdict (the batch stays whole).
 * @example
 * const verdicts = scoreBatch(model, streams.iter());
 * for (const [identity, v] of verdicts) if (v.flagged) console.log('bot?', identity, v.score);
 */
export function scoreBatch(
  model: DetectorModel,
  streams: Iterable<ActionStream>,
  only?: ReadonlySet<string>,
): Map<string, Verdict> {
  const list = [...streams];
  const byBucket = new Map<DetectorBucket, { identity: string; played: number }[]>();
  for (const stream of list) {
    if (only !== undefined && !only.has(stream.identity)) continue;
    const played = playTimeMs(stream) / 60_000;
    let bucket = model.buckets[0]!;
    for (const b of model.buckets) if (b.playMinutes <= played + 1e-9) bucket = b;
    let l = byBucket.get(bucket);
    if (l === undefined) byBucket.set(bucket, (l = []));
    l.push({ identity: stream.identity, played });
  }
  const out = new Map<string, Verdict>();
  for (const [bucket, members] of byBucket) {
    const x = extractBatchFeatures(list, {
      ...model.featureOptions,
      untilPlayMs: bucket.playMinutes * 60_000,
    });
    for (const m of members) {
      const score = bucket.classifier.predict(x.get(m.identity)!);
      // No verdict before the shortest bucket's play: its threshold was set on identities that had it.
      const enough = m.played >= bucket.playMinutes * MIN_PLAY_SHARE;
      out.set(m.identity, {
        score,
        flagged: enough && score >= bucket.threshold,
        playMinutes: m.played,
        bucketMinutes: bucket.playMinutes,
      });
    }
  }
  return out;
}
