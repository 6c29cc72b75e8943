import { describe, expect, it } from 'vitest';
import { GradientBoostedTrees, trainGradientBoosting } from '../../src/detect/gradient-boosting';
import { LogisticRegression, trainLogisticRegression } from '../../src/detect/logistic-regression';
import { rocAuc } from '../../src/detect/roc';
import { createRng } from '../../src/random';

/** Two classes that differ in feature 1 only through an interaction (XOR of signs): linear models fail, trees succeed. */
function xorData(seed: string, n: number) {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal(0, 1);
    const b = rng.normal(0, 1);
    const noise = rng.normal(0, 1);
    x.push([a, b, noise, i % 7 === 0 ? Number.NaN : noise * 2]);
    y.push(a * b > 0 ? 1 : 0);
  }
  return { x, y };
}

function separable(seed: string, n: number) {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 3 === 0 ? 1 : 0;
    x.push([
      rng.normal(label * 3, 1),
      rng.normal(0, 1),
      label === 1 && i % 2 === 0 ? Number.NaN : rng.normal(0, 1),
    ]);
    y.push(label);
  }
  return { x, y };
}

const auc = (model: { predict(x: ArrayLike<number>): number }, data: { x: number[][]; y: number[] }) =>
  rocAuc(
    data.x.filter((_, i) => data.y[i] === 1).map((r) => model.predict(r)),
    data.x.filter((_, i) => data.y[i] === 0).map((r) => model.predict(r)),
  );

describe('gradient-boosted trees', () => {
  it('learns an interaction a linear model cannot, on held-out data', () => {
    const train = xorData('train', 600);
    const test = xorData('test', 400);
    const gbt = trainGradientBoosting(train, { rounds: 80 });
    const lr = trainLogisticRegression(train);
    expect(auc(gbt, test)).toBeGreaterThan(0.9);
    expect(auc(lr, test)).toBeLessThan(0.7);
  });

  it('is deterministic and survives a JSON round trip', () => {
    const data = separable('s', 300);
    const a = trainGradientBoosting(data, { rounds: 30, seed: 7 });
    const b = trainGradientBoosting(data, { rounds: 30, seed: 7 });
    const c = GradientBoostedTrees.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    for (const row of data.x) {
      expect(b.predict(row)).toBe(a.predict(row));
      expect(c.predict(row)).toBe(a.predict(row));
    }
  });

  it('rejects a dataset with one class', () => {
    expect(() => trainGradientBoosting({ x: [[1], [2]], y: [0, 0] })).toThrow(/both classes/);
    expect(() => trainGradientBoosting({ x: [[1], [2, 3]], y: [0, 1] })).toThrow(/row 1 has 2 features/);
  });
});

describe('logistic regression', () => {
  it('separates linearly separable classes and uses NaN as a signal', () => {
    const train = separable('a', 600);
    const test = separable('b', 300);
    const lr = trainLogisticRegression(train);
    expect(auc(lr, test)).toBeGreaterThan(0.97);
    const copy = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(lr.toJSON())));
    expect(copy.predict([3, 0, Number.NaN])).toBe(lr.predict([3, 0, Number.NaN]));
    // Only bots have NaN in feature 2: a NaN pushes the score up.
    expect(lr.predict([1.5, 0, Number.NaN])).toBeGreaterThan(lr.predict([1.5, 0, 0]));
  });
});

describe('ensemble', () => {
  it('averages its members and survives a JSON round trip through loadClassifier', async () => {
    const { EnsembleClassifier } = await import('../../src/detect/ensemble');
    const { loadClassifier } = await import('../../src/detect/detector-model');
    const data = separable('e', 300);
    const gbt = trainGradientBoosting(data, { rounds: 20 });
    const lr = trainLogisticRegression(data);
    const ens = new EnsembleClassifier([gbt, lr]);
    const back = loadClassifier(JSON.parse(JSON.stringify(ens.toJSON())));
    for (const row of data.x.slice(0, 20)) {
      expect(ens.predict(row)).toBeCloseTo((gbt.predict(row) + lr.predict(row)) / 2, 12);
      expect(back.predict(row)).toBe(ens.predict(row));
    }
  });
});
