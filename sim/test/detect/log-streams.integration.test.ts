import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@tickspace/server/engine/tooling';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamSet } from '../../src/detect/action-stream';
import { extractFeatures } from '../../src/detect/features';
import { FrontierEventSource } from '../../src/detect/frontier-events';
import { streamsFromLog } from '../../src/detect/log-streams';
import { runInProcess } from '../../src/runners/in-process-runner';

describe('offline detector input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds from the commit log exactly the streams the live hook saw', async () => {
    const live = new StreamSet();
    const result = await runInProcess({
      mix: { human: 3, naive: 1, jittered: 1 },
      seed: 'log',
      minutes: 0.5,
      joinWindowMs: 3_000,
      world: { worldTiles: 512 },
      dataDir: dir,
      onEngine: (engine) => {
        const source = new FrontierEventSource(
          live,
          engine.tableList.map((t) => t.name),
        );
        engine.onTick((r) => source.ingest(r));
      },
    });
    const db = await openDatabase({ dir, readOnly: true });
    try {
      expect(db.store.lastTick).toBe(result.ticks);
      const offline = streamsFromLog(db.store);
      for (const m of result.members) {
        const a = live.find(m.identity)!;
        const b = offline.find(m.identity)!;
        expect(b.length).toBe(a.length);
        expect(b.calls).toBeGreaterThan(1);
        expect(b.toEvents()).toEqual(a.toEvents());
        expect([...extractFeatures(b)]).toEqual([...extractFeatures(a)]);
      }
    } finally {
      await db.close();
    }
  }, 60_000);
});
