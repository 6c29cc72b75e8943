import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDetectorModel } from '../../src/detect/detector-model';
import { writeTrialReport } from '../../src/trial/report';
import { runTrial } from '../../src/trial/trial';

describe('trial', () => {
  it('runs a tiny population whose answer is known and writes a complete report', async () => {
    // Humans against naive bots only: fixed timers and straight paths, so the answer is known:
    // the detector separates them perfectly (AUC 1) with no human flagged.
    const cacheDir = mkdtempSync(join(tmpdir(), 'trial-cache-'));
    const options = {
      humans: 8,
      bots: 4,
      tiers: ['naive'],
      holdout: 'none',
      minutes: 2.5,
      cutoffs: [1, 2],
      verdictCutoffs: [1, 2],
      seed: 'tiny',
      joinWindowMs: 5_000,
      worldTiles: 512,
      cacheDir,
    } as const;
    const report = await runTrial(options);
    expect(report.phases.map((p) => p.name)).toEqual(['train', 'test']);
    expect(report.phases[0]!.seed).not.toBe(report.phases[1]!.seed);
    expect(report.phases[0]!.stateHash).not.toBe(report.phases[1]!.stateHash);
    expect(report.main.minutes).toBe(2);
    expect(report.main.bots).toBe(4);
    expect(report.main.humans).toBeGreaterThan(0);
    const naive = report.main.tiers.find((t) => t.tier === 'naive')!;
    expect(naive.auc).toBe(1);
    expect(naive.tprAt1pctFpr).toBe(1);
    expect(report.main.humanFpr).toBe(0);
    // Figures are computed from the scores: the ROC curve runs from (0,0) to (1,1) and its area is the AUC.
    const roc = report.main.roc.naive!;
    expect(roc[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    let area = 0;
    for (let i = 1; i < roc.length; i++)
      area += ((roc[i]!.fpr - roc[i - 1]!.fpr) * (roc[i]!.tpr + roc[i - 1]!.tpr)) / 2;
    expect(area).toBeCloseTo(naive.auc, 10);
    expect(report.byMinutes.map((c) => c.minutes)).toEqual([1, 2]);
    for (const c of report.byMinutes) {
      expect(c.accuracy).toBeGreaterThanOrEqual(0);
      expect(c.accuracy).toBeLessThanOrEqual(1);
      expect(c.humans + c.bots).toBeGreaterThan(0);
    }
    expect(report.verdicts[0]!.tier).toBe('naive');
    expect(report.leaveOneTierOut[0]!.auc).toBeNaN(); // nothing left to train on without the only tier
    const naiveSummary = report.perTier.find((t) => t.tier === 'naive')!;
    expect(naiveSummary).toMatchObject({ bots: 4, auc: 1, tprAt01pctFpr: 1, heldOut: false });
    expect(naiveSummary.flaggedBy['2']).toBe(1);
    expect(naiveSummary.medianMinutes).not.toBeNull();
    // Permutation importance: shuffling a feature the model uses costs AUC, and the list is sorted.
    expect(naiveSummary.topFeatures.length).toBeGreaterThan(0);
    expect(naiveSummary.topFeatures.length).toBeLessThanOrEqual(5);
    const drops = naiveSummary.topFeatures.map((f) => f.aucDrop);
    for (const d of drops) expect(d).toBeGreaterThan(0);
    expect([...drops].sort((a, b) => b - a)).toEqual(drops);
    expect(report.detector.buckets.map((b) => b.playMinutes)).toEqual([1, 2]);
    expect(loadDetectorModel(report.detector).buckets).toHaveLength(2);
    // The live detector counts every identity with a verdict, not only those that played the longest cutoff.
    const live = report.live;
    expect(live.humans).toBeGreaterThanOrEqual(report.main.humans);
    expect(live.humanFprAtEnd).toBe(0);
    expect(live.humanFprAtEndUpper95).toBeCloseTo(1 - 0.05 ** (1 / live.humans), 9);
    expect(live.tiers).toEqual([{ tier: 'naive', count: 4, flaggedAtEnd: 1, everFlagged: 1 }]);

    // The cache gives back the same populations: the same figures, without simulating again.
    const again = await runTrial(options);
    expect(again.phases.every((p) => p.cached)).toBe(true);
    expect(again.main).toEqual(report.main);
    expect(again.detector).toEqual(report.detector);

    const dir = mkdtempSync(join(tmpdir(), 'trial-'));
    const files = writeTrialReport(report, dir, 'tiny');
    const md = readFileSync(files.md, 'utf8');
    expect(md).toContain('| naive | 4 | 1.000 | 100.0% | 100.0% |');
    expect(md).toContain('## Top features per tier');
    expect(md).toContain('## Accuracy against minutes of play');
    expect(md).toContain(`| human | ${live.humans} | 0.0% | ${(live.humanFprEver * 100).toFixed(1)}% |`);
    const svg = readFileSync(files.svg, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)!.length).toBe(2);
    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(json.main.tiers[0].auc).toBe(1);
    expect(loadDetectorModel(JSON.parse(readFileSync(files.model, 'utf8'))).buckets).toHaveLength(2);
  }, 120_000);
});
