/**
 * The interface every detector model implements: a probability that a feature vector belongs to
 * a bot, and a JSON form so a trained model can be saved next to a trial report and loaded by the
 * live detector.
 */
export interface Classifier {
  /** Model family, for reports. */
  readonly kind: string;
  /** Probability of the positive class (bot), in [0, 1]. NaN features are allowed. */
  predict(x: ArrayLike<number>): number;
  /** A JSON-serialisable description that {@link loadClassifier} turns back into the model. */
  toJSON(): ClassifierJson;
}

/** Serialised model. */
export interface ClassifierJson {
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** A labelled training set: rows of features and 0/1 labels (1 = bot). */
export interface Dataset {
  readonly x: readonly ArrayLike<number>[];
  readonly y: readonly number[];
  /** Optional per-row weights. @default 1 for every row */
  readonly weights?: readonly number[];
}

/** Logistic function. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
