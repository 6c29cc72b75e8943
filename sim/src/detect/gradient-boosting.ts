import { TickspaceError } from '@tickspace/server/protocol';
import { sigmoid, type Classifier, type ClassifierJson, type Dataset } from './classifier';

/** Options of {@link trainGradientBoosting}; every limit has a default. */
export interface GradientBoostingOptions {
  /** Boosting rounds (trees). @default 150 */
  readonly rounds?: number;
  /** Depth of each tree. @default 3 */
  readonly maxDepth?: number;
  /** Shrinkage applied to each tree's output. @default 0.1 */
  readonly learningRate?: number;
  /** Smallest hessian sum (about p(1-p) times rows) a leaf may hold. @default 1 */
  readonly minChildWeight?: number;
  /** L2 penalty on leaf values. @default 1 */
  readonly lambda?: number;
  /** Quantile bins per feature (split candidates). @default 32 */
  readonly bins?: number;
  /** Share of rows each tree is fitted on (stochastic boosting), drawn from `seed`. @default 0.8 */
  readonly subsample?: number;
  /** Seed of the row sampling. @default 1 */
  readonly seed?: number;
}

/** One tree node: a split (feature, threshold, NaN direction) or a leaf value. */
interface Node {
  /** -1 for a leaf. */
  f: number;
  /** Go left when x[f] <= t. */
  t: number;
  /** Where NaN goes: true = left. */
  nanLeft: boolean;
  l: number;
  r: number;
  v: number;
}

/**
 * Gradient-boosted decision trees for binary classification (Newton boosting on log-loss, histogram
 * split search, NaN as its own direction), written here so the detector has no native dependency.
 */
export class GradientBoostedTrees implements Classifier {
  readonly kind = 'gradient-boosted-trees';
  readonly base: number;
  readonly trees: readonly (readonly Node[])[];
  readonly featureCount: number;

  constructor(base: number, trees: readonly (readonly Node[])[], featureCount: number) {
    this.base = base;
    this.trees = trees;
    this.featureCount = featureCount;
  }

  /** The raw margin (log-odds). */
  margin(x: ArrayLike<number>): number {
    let z = this.base;
    for (const tree of this.trees) {
      let n = tree[0]!;
      while (n.f >= 0) {
        const v = x[n.f]!;
        n = tree[Number.isNaN(v) ? (n.nanLeft ? n.l : n.r) : v <= n.t ? n.l : n.r]!;
      }
      z += n.v;
    }
    return z;
  }

  predict(x: ArrayLike<number>): number {
    return sigmoid(this.margin(x));
  }

  /** Total split gain per feature: which behaviours the model leans on. */
  importance(): Float64Array {
    const out = new Float64Array(this.featureCount);
    for (const tree of this.trees) for (const n of tree) if (n.f >= 0) out[n.f]! += 1;
    return out;
  }

  toJSON(): ClassifierJson {
    return { kind: this.kind, base: this.base, featureCount: this.featureCount, trees: this.trees };
  }

  /** Rebuilds a model from {@link GradientBoostedTrees.toJSON}. */
  static fromJSON(json: ClassifierJson): GradientBoostedTrees {
    return new GradientBoostedTrees(json.base as number, json.trees as Node[][], json.featureCount as number);
  }
}

/**
 * Trains gradient-boosted trees on a labelled dataset. Deterministic for a given dataset and seed.
 * @throws TickspaceError INVALID_ARGUMENT if the dataset is empty, ragged or has a single class
 * @example
 * const model = trainGradientBoosting({ x: rows, y: labels }, { rounds: 100 });
 * model.predict(features); // -> probability of 'bot'
 */
export function trainGradientBoosting(
  data: Dataset,
  options: GradientBoostingOptions = {},
): GradientBoostedTrees {
  const rounds = options.rounds ?? 150;
  const maxDepth = options.maxDepth ?? 3;
  const eta = options.learningRate ?? 0.1;
  const minChild = options.minChildWeight ?? 1;
  const lambda = options.lambda ?? 1;
  const binCount = options.bins ?? 32;
  const subsample = options.subsample ?? 0.8;
  const rows = data.x.length;
  checkDataset(data);
  const d = data.x[0]!.length;
  const w = data.weights ?? new Array<number>(rows).fill(1);

  // Quantile thresholds per feature; bin 0 holds NaN, bin b >= 1 holds values <= edges[b-1].
  const edges: number[][] = [];
  const binned: Uint8Array[] = [];
  for (let f = 0; f < d; f++) {
    const values: number[] = [];
    for (let i = 0; i < rows; i++) {
      const v = data.x[i]![f]!;
      if (!Number.isNaN(v)) values.push(v);
    }
    values.sort((a, b) => a - b);
    const e: number[] = [];
    for (let b = 1; b < binCount; b++) {
      if (values.length === 0) break;
      const v = values[Math.min(values.length - 1, Math.floor((b / binCount) * values.length))]!;
      if (e.length === 0 || v > e[e.length - 1]!) e.push(v);
    }
    if (values.length > 0 && (e.length === 0 || values[values.length - 1]! > e[e.length - 1]!))
      e.push(values[values.length - 1]!);
    edges.push(e);
    const col = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = data.x[i]![f]!;
      if (Number.isNaN(v)) col[i] = 0;
      else {
        let lo = 0;
        let hi = e.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (v <= e[mid]!) hi = mid;
          else lo = mid + 1;
        }
        col[i] = lo + 1;
      }
    }
    binned.push(col);
  }

  let pos = 0;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    pos += data.y[i]! * w[i]!;
    total += w[i]!;
  }
  const base = Math.log(pos / (total - pos));
  const margin = new Float64Array(rows).fill(base);
  const g = new Float64Array(rows);
  const h = new Float64Array(rows);
  const trees: Node[][] = [];
  let state = (options.seed ?? 1) >>> 0 || 1;
  const rand = () => {
    // xorshift32: cheap, seeded, and enough for row sampling.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };

  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < rows; i++) {
      const p = sigmoid(margin[i]!);
      g[i] = (p - data.y[i]!) * w[i]!;
      h[i] = Math.max(p * (1 - p), 1e-6) * w[i]!;
    }
    const sample: number[] = [];
    for (let i = 0; i < rows; i++) if (subsample >= 1 || rand() < subsample) sample.push(i);
    const tree: Node[] = [];
    build(tree, sample, 0);
    trees.push(tree);
    for (let i = 0; i < rows; i++) {
      let n = tree[0]!;
      while (n.f >= 0) {
        const b = binned[n.f]![i]!;
        n = tree[b === 0 ? (n.nanLeft ? n.l : n.r) : edges[n.f]![b - 1]! <= n.t ? n.l : n.r]!;
      }
      margin[i]! += n.v;
    }
  }
  return new GradientBoostedTrees(base, trees, d);

  function build(tree: Node[], idx: readonly number[], depth: number): number {
    const id = tree.length;
    let G = 0;
    let H = 0;
    for (const i of idx) {
      G += g[i]!;
      H += h[i]!;
    }
    const node: Node = { f: -1, t: 0, nanLeft: false, l: -1, r: -1, v: (-G / (H + lambda)) * eta };
    tree.push(node);
    if (depth >= maxDepth || idx.length < 2) return id;
    const parentScore = (G * G) / (H + lambda);
    let bestGain = 1e-9;
    let bestF = -1;
    let bestBin = 0;
    let bestNanLeft = false;
    const gh = new Float64Array((binCount + 1) * 2);
    for (let f = 0; f < d; f++) {
      const e = edges[f]!;
      if (e.length < 1) continue;
      gh.fill(0);
      const col = binned[f]!;
      for (const i of idx) {
        const b = col[i]!;
        gh[b * 2]! += g[i]!;
        gh[b * 2 + 1]! += h[i]!;
      }
      const nanG = gh[0]!;
      const nanH = gh[1]!;
      let gl = 0;
      let hl = 0;
      // Split after bin b: left = bins 1..b (plus NaN when it helps).
      for (let b = 1; b < e.length; b++) {
        gl += gh[b * 2]!;
        hl += gh[b * 2 + 1]!;
        for (const nanLeft of [false, true]) {
          const GL = gl + (nanLeft ? nanG : 0);
          const HL = hl + (nanLeft ? nanH : 0);
          const GR = G - GL;
          const HR = H - HL;
          if (HL < minChild || HR < minChild) continue;
          const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestBin = b;
            bestNanLeft = nanLeft;
          }
        }
      }
      // NaN alone against every value.
      if (nanH >= minChild && H - nanH >= minChild) {
        const gain =
          (nanG * nanG) / (nanH + lambda) + ((G - nanG) * (G - nanG)) / (H - nanH + lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestBin = 0;
          bestNanLeft = true;
        }
      }
    }
    if (bestF < 0) return id;
    const col = binned[bestF]!;
    const left: number[] = [];
    const right: number[] = [];
    for (const i of idx) {
      const b = col[i]!;
      if (b === 0 ? bestNanLeft : b <= bestBin) left.push(i);
      else right.push(i);
    }
    node.f = bestF;
    // bestBin 0 means "NaN left, every value right": a threshold below every value (finite, for JSON).
    node.t = bestBin === 0 ? -Number.MAX_VALUE : edges[bestF]![bestBin - 1]!;
    node.nanLeft = bestNanLeft;
    node.l = build(tree, left, depth + 1);
    node.r = build(tree, right, depth + 1);
    return id;
  }
}

/** @throws TickspaceError INVALID_ARGUMENT */
export function checkDataset(data: Dataset): void {
  const rows = data.x.length;
  if (rows === 0 || data.y.length !== rows)
    throw new TickspaceError('INVALID_ARGUMENT', `training set: ${rows} rows and ${data.y.length} labels`, {
      details: { rows, labels: data.y.length },
    });
  const d = data.x[0]!.length;
  let pos = 0;
  for (let i = 0; i < rows; i++) {
    if (data.x[i]!.length !== d)
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `training set: row ${i} has ${data.x[i]!.length} features, row 0 has ${d}`,
        { details: { row: i } },
      );
    if (data.y[i] !== 0 && data.y[i] !== 1)
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `training set: label ${i} is ${data.y[i]}, expected 0 or 1`,
        { details: { row: i } },
      );
    pos += data.y[i]!;
  }
  if (pos === 0 || pos === rows)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `training set: needs both classes, got ${pos} positive of ${rows}`,
      { details: { rows, positive: pos } },
    );
}
