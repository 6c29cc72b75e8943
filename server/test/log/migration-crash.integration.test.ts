/**
 * A runtime migration killed at any moment recovers the right schema version: its manifest is
 * written off the tick and the log holds the boundary tick's record until the manifest names its
 * version, so a recovered log never holds a record of a version the manifest lacks. A real child
 * process (migration-crash-child.ts) is SIGKILLed right after the boundary tick, at delays while
 * the manifest is written, and once the boundary is durable; each time the directory must open
 * with version 2 either way: with the migration logged, or migrating at start-up instead.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, readManifest } from '../../src/engine/tooling';
import { gameV2 } from '../migration/fixtures';
import { buildChild } from './crash-harness';
import { tempDir } from './helpers';

let child = '';
beforeAll(async () => {
  child = await buildChild('migration-crash-child');
});
afterAll(() => fs.rmSync(child, { force: true }));

async function runChild(dir: string, when: string): Promise<{ boundary: number; durable?: number }> {
  const proc = spawn(process.execPath, [child, dir, when], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const seen: Record<string, number> = {};
  const lines = readline.createInterface({ input: proc.stdout });
  lines.on('line', (line) => Object.assign(seen, JSON.parse(line)));
  const closed = new Promise<void>((resolve) => lines.once('close', () => resolve()));
  const exit = await new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_c, s) => resolve(s)));
  await closed;
  if (exit !== 'SIGKILL') throw new Error(`the child was not killed (${String(exit)}): ${stderr}`);
  if (seen.boundary === undefined) throw new Error(`the child died before its boundary: ${stderr}`);
  return seen as { boundary: number; durable?: number };
}

describe('a runtime migration killed at any moment', () => {
  it('recovers version 2 whichever side of the boundary the kill landed on, and never a record the manifest cannot decode', async () => {
    const outcomes: Record<string, 'logged' | 'not logged'> = {};
    for (const when of ['sync', '0', '1', '2', '3', '5', '8', '13', 'durable']) {
      const dir = tempDir('tickspace-migration-crash-');
      const { boundary, durable } = await runChild(dir, when);
      const db = await openDatabase({
        dir,
        module: gameV2,
        durability: 'never',
        logger: { error: () => {}, warn: () => {} },
      });
      try {
        const last = db.recovery.lastTick;
        if (last >= boundary) {
          // The boundary tick was written: its version is in the manifest, nothing migrates again.
          outcomes[when] = 'logged';
          expect(db.migration).toBeUndefined();
          const [record] = [...db.ticks(boundary, boundary)];
          expect(record!.calls.slice(0, 2).map((c) => c.reducer)).toEqual(['__publish', '__migrate']);
        } else {
          // It was not: start-up migrates the version-1 data itself, at the tick after the last.
          outcomes[when] = 'not logged';
          expect(last).toBe(boundary - 1);
          expect(db.migration).toMatchObject({ fromVersion: 1, toVersion: 2, tick: boundary });
        }
        expect(readManifest(dir).schemaVersions!.map((v) => [v.version, v.fromTick])).toEqual([
          [1, 0],
          [2, boundary],
        ]);
        // The state is the last record's, in version 2's shape.
        const end = db.engine.tick;
        expect(db.engine.stateHash).toBe(
          [...db.ticks(end, end, { calls: false, changes: false })][0]!.stateHash,
        );
        expect(db.engine.tables.player!.iter().map((p) => p.level)).toEqual([1, 1, 1]);
        if (durable !== undefined) expect(last).toBeGreaterThanOrEqual(durable);
      } finally {
        await db.close();
      }
    }
    // Killed before any I/O completed the boundary cannot be logged; once durable it must be.
    expect(outcomes.sync).toBe('not logged');
    expect(outcomes.durable).toBe('logged');
  });
});
