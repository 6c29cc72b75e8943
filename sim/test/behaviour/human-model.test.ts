import { describe, expect, it } from 'vitest';
import { HumanModel, sampleHumanParams } from '../../src/behaviour/human-model';
import { createRng } from '../../src/random';

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

describe('human model', () => {
  it('draws alert reaction means between 250 and 350 ms, with lapses that grow with time on task', () => {
    for (let p = 0; p < 20; p++) {
      const rng = createRng(`rt/${p}`);
      const params = sampleHumanParams(rng);
      const alert = params.reactionMuMs + params.reactionTauMs;
      expect(alert).toBeGreaterThanOrEqual(250);
      expect(alert).toBeLessThanOrEqual(350);
      const model = new HumanModel(params, rng);
      const fresh = Array.from({ length: 4000 }, () => model.reactionMs(0));
      const tired = Array.from({ length: 4000 }, () => model.reactionMs(4 * 3_600_000));
      const lapses = (v: number[]) => v.filter((x) => x >= 500).length / v.length;
      expect(lapses(tired)).toBeGreaterThan(lapses(fresh));
      // The right tail of an ex-Gaussian: the mean sits above the median.
      expect(mean(fresh)).toBeGreaterThan(median(fresh));
    }
  });

  it('draws heavy-tailed session lengths (Weibull shape about 0.5)', () => {
    const rng = createRng('sessions');
    const model = new HumanModel(
      { ...sampleHumanParams(rng), sessionScaleMs: 40 * 60_000, sessionShape: 0.5 },
      rng,
    );
    const s = Array.from({ length: 20_000 }, () => model.sessionMs());
    // Weibull(k=0.5): median = scale * ln(2)^2 (about 19 min); the mean is twice the scale, far above it.
    expect(median(s) / 60_000).toBeGreaterThan(16);
    expect(median(s) / 60_000).toBeLessThan(23);
    expect(mean(s)).toBeGreaterThan(2.5 * median(s));
  });

  it('slows down with fatigue', () => {
    const rng = createRng('fatigue');
    const model = new HumanModel({ ...sampleHumanParams(rng), fatiguePerHour: 0.4 }, rng);
    const fresh = median(Array.from({ length: 5000 }, () => model.thinkMs(0)));
    const tired = median(Array.from({ length: 5000 }, () => model.thinkMs(2 * 3_600_000)));
    expect(tired / fresh).toBeGreaterThan(1.5);
  });
});
