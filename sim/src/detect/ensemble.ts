import type { Classifier, ClassifierJson } from './classifier';

/**
 * The mean of several classifiers' probabilities. Trees catch interactions; a linear model
 * extrapolates more gently to bots unlike any in training; averaging keeps some of both.
 */
export class EnsembleClassifier implements Classifier {
  readonly kind = 'ensemble';
  readonly members: readonly Classifier[];

  constructor(members: readonly Classifier[]) {
    this.members = members;
  }

  predict(x: ArrayLike<number>): number {
    let s = 0;
    for (const m of this.members) s += m.predict(x);
    return s / this.members.length;
  }

  /** Split counts of the members that report them (trees), summed. */
  importance(): Float64Array | undefined {
    let out: Float64Array | undefined;
    for (const m of this.members) {
      const imp = (m as { importance?: () => Float64Array }).importance?.();
      if (imp === undefined) continue;
      out ??= new Float64Array(imp.length);
      for (let i = 0; i < imp.length; i++) out[i]! += imp[i]!;
    }
    return out;
  }

  toJSON(): ClassifierJson {
    return { kind: this.kind, members: this.members.map((m) => m.toJSON()) };
  }
}
