import { checkDataset } from './gradient-boosting';
import { sigmoid, type Classifier, type ClassifierJson, type Dataset } from './classifier';

/** Options of {@link trainLogisticRegression}. */
export interface LogisticRegressionOptions {
  /** Full-batch gradient steps. @default 400 */
  readonly iterations?: number;
  /** Step size on standardised features. @default 0.5 */
  readonly learningRate?: number;
  /** L2 penalty. @default 0.01 */
  readonly l2?: number;
}

/**
 * L2-regularised logistic regression on standardised features. NaN features are replaced by the
 * training mean and flagged by an extra 0/1 input per feature, so "no data" can carry weight.
 * The detector's baseline model: simple, monotone, and easy to read from its weights.
 */
export class LogisticRegression implements Classifier {
  readonly kind = 'logistic-regression';
  readonly means: readonly number[];
  readonly scales: readonly number[];
  /** Weights: one per feature, then one per NaN flag, then the bias. */
  readonly weights: readonly number[];

  constructor(means: readonly number[], scales: readonly number[], weights: readonly number[]) {
    this.means = means;
    this.scales = scales;
    this.weights = weights;
  }

  predict(x: ArrayLike<number>): number {
    const d = this.means.length;
    let z = this.weights[2 * d]!;
    for (let f = 0; f < d; f++) {
      const v = x[f]!;
      if (Number.isNaN(v)) z += this.weights[d + f]!;
      else z += this.weights[f]! * clampZ((v - this.means[f]!) / this.scales[f]!);
    }
    return sigmoid(z);
  }

  toJSON(): ClassifierJson {
    return { kind: this.kind, means: this.means, scales: this.scales, weights: this.weights };
  }

  /** Rebuilds a model from {@link LogisticRegression.toJSON}. */
  static fromJSON(json: ClassifierJson): LogisticRegression {
    return new LogisticRegression(json.means as number[], json.scales as number[], json.weights as number[]);
  }
}

// Outliers (one identity with a huge count) must not dominate a linear model.
const clampZ = (z: number) => (z > 6 ? 6 : z < -6 ? -6 : z);

/**
 * Trains a logistic regression by full-batch gradient descent (deterministic).
 * @throws TickspaceError INVALID_ARGUMENT if the dataset is empty, ragged or has a single class
 * @example
 * const model = trainLogisticRegression({ x: rows, y: labels });
 */
export function trainLogisticRegression(
  data: Dataset,
  options: LogisticRegressionOptions = {},
): LogisticRegression {
  checkDataset(data);
  const iterations = options.iterations ?? 400;
  const rate = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 0.01;
  const rows = data.x.length;
  const d = data.x[0]!.length;
  const w = data.weights ?? new Array<number>(rows).fill(1);
  const means = new Array<number>(d).fill(0);
  const scales = new Array<number>(d).fill(1);
  for (let f = 0; f < d; f++) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < rows; i++) {
      const v = data.x[i]![f]!;
      if (!Number.isNaN(v)) {
        s += v;
        c++;
      }
    }
    means[f] = c > 0 ? s / c : 0;
    let q = 0;
    for (let i = 0; i < rows; i++) {
      const v = data.x[i]![f]!;
      if (!Number.isNaN(v)) q += (v - means[f]!) ** 2;
    }
    scales[f] = c > 1 && q > 0 ? Math.sqrt(q / (c - 1)) : 1;
  }
  // Design matrix: standardised values (0 for NaN), NaN flags, bias.
  const width = 2 * d + 1;
  const z = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < d; f++) {
      const v = data.x[i]![f]!;
      if (Number.isNaN(v)) z[i * width + d + f] = 1;
      else z[i * width + f] = clampZ((v - means[f]!) / scales[f]!);
    }
    z[i * width + 2 * d] = 1;
  }
  let total = 0;
  for (let i = 0; i < rows; i++) total += w[i]!;
  const beta = new Float64Array(width);
  const grad = new Float64Array(width);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    for (let i = 0; i < rows; i++) {
      let m = 0;
      const o = i * width;
      for (let k = 0; k < width; k++) m += beta[k]! * z[o + k]!;
      const err = (sigmoid(m) - data.y[i]!) * w[i]!;
      for (let k = 0; k < width; k++) grad[k]! += err * z[o + k]!;
    }
    for (let k = 0; k < width; k++) {
      const penalty = k === width - 1 ? 0 : l2 * beta[k]!;
      beta[k]! -= rate * (grad[k]! / total + penalty);
    }
  }
  return new LogisticRegression(means, scales, [...beta]);
}
