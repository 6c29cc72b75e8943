import { describe, expect, it } from 'vitest';
import {
  createDetector,
  SUSPICION_TABLE,
  withSuspicionTable,
  type Detector,
} from '../../src/detect/detector';
import { detectorModelToJson, loadDetectorModel, type DetectorModel } from '../../src/detect/detector-model';
import { DETECTOR_FEATURE_NAMES as FEATURE_NAMES } from '../../src/detect/population-features';
import { LogisticRegression } from '../../src/detect/logistic-regression';
import { runInProcess } from '../../src/runners/in-process-runner';

/**
 * A hand-set model whose answer is known: the score rises with
 * the share of identical intervals between calls of the same action: a naive bot's fixed timer makes it high.
 */
function knownModel(): DetectorModel {
  const d = FEATURE_NAMES.length;
  const weights = new Array<number>(2 * d + 1).fill(0);
  weights[FEATURE_NAMES.indexOf('per_action_mode_frac')] = 12;
  weights[d + FEATURE_NAMES.indexOf('per_action_mode_frac')] = -6;
  weights[2 * d] = -6;
  const lr = new LogisticRegression(new Array(d).fill(0), new Array(d).fill(1), weights);
  return {
    featureNames: FEATURE_NAMES,
    featureOptions: {},
    buckets: [{ playMinutes: 1, classifier: lr, threshold: 0.5 }],
  };
}

describe('live detector', () => {
  it('scores identities from the engine hook into the private suspicion table', async () => {
    const model = loadDetectorModel(JSON.parse(JSON.stringify(detectorModelToJson(knownModel()))));
    let detector: Detector | undefined;
    let rows: Record<string, unknown>[] = [];
    let publicTables: string[] = [];
    const result = await runInProcess({
      mix: { human: 3, naive: 2 },
      seed: 'detector',
      minutes: 2.5,
      joinWindowMs: 5_000,
      world: { worldTiles: 512 },
      composeModule: (m) => withSuspicionTable(m),
      onEngine: (engine) => {
        detector = createDetector({ engine, model, scoreEveryMs: 30_000 });
        publicTables = engine.tableList.filter((t) => t.def.options.public === true).map((t) => t.name);
        engine.onTick(() => {
          rows = engine.tables[SUSPICION_TABLE]!.iter() as Record<string, unknown>[];
        });
      },
    });
    expect(publicTables).not.toContain(SUSPICION_TABLE);
    expect(rows.length).toBe(5);
    const tierOf = new Map<string, string>(result.members.map((m) => [m.identity, m.agent.tier]));
    const naive: number[] = [];
    const humans: number[] = [];
    for (const row of rows) {
      const verdict = detector!.verdicts.get(row.identity as string)!;
      // The table holds exactly the detector's latest verdicts.
      expect(row.score).toBe(Math.fround(verdict.score));
      expect(row.flagged).toBe(verdict.score >= 0.5);
      expect(row.bucketMinutes).toBe(1);
      expect(row.playMinutes).toBeGreaterThan(1);
      expect(row.updatedMs).toBeGreaterThan(0);
      (tierOf.get(row.identity as string) === 'naive' ? naive : humans).push(verdict.score);
    }
    // Naive bots repeat their loop on a fixed timer: every one scores above every human.
    expect(naive.length).toBe(2);
    expect(Math.min(...naive)).toBeGreaterThan(Math.max(...humans));
    expect(detector!.verdicts.size).toBe(5);
  }, 60_000);
});
