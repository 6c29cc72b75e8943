import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildChild } from './crash-harness';
import { openBank, segmentFiles, tempDir } from './helpers';

interface ChildRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly durable: Map<number, string>;
  readonly results: number[];
}

/** Runs the child under `ulimit -f <kib>` (Node ignores SIGXFSZ, so writes past it fail with EFBIG). */
function runUnderFileLimit(child: string, dir: string, kib: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn('bash', ['-c', `ulimit -f ${kib} && exec "$0" "$@"`, process.execPath, child, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const durable = new Map<number, string>();
      const results: number[] = [];
      for (const line of stdout.split('\n').filter(Boolean)) {
        const msg = JSON.parse(line) as { tick?: number; hash?: string; result?: number };
        if (msg.result !== undefined) results.push(msg.result);
        else durable.set(msg.tick!, msg.hash!);
      }
      resolve({ code, stderr, durable, results });
    });
  });
}

describe('a failing log write (disk full) stops the server and loses nothing acknowledged', () => {
  it('an EFBIG append is LOG_FAILED: the process stops, no partial record stays, recovery has every acknowledged tick', async () => {
    const dir = tempDir();
    const run = await runUnderFileLimit(await buildChild('full-disk-child'), dir, 48);

    // Fail-stop: the process ended on the failed append, naming the tick, the file and the byte.
    expect(run.code).not.toBe(0);
    const failure = /writing tick (\d+) to (\S+) at byte (\d+) failed/.exec(run.stderr);
    expect(failure, run.stderr).not.toBeNull();
    expect(run.stderr).toContain('LOG_FAILED');
    expect(run.stderr).toContain('EFBIG');
    const failedTick = Number(failure![1]);
    const offset = Number(failure![3]);

    // Results were only delivered for ticks that were durable before the failure.
    expect(run.durable.size).toBeGreaterThan(10);
    const lastDurable = Math.max(...run.durable.keys());
    expect(lastDurable).toBeLessThan(failedTick);
    for (const tick of run.results) expect(run.durable.has(tick)).toBe(true);
    expect(run.results).not.toContain(failedTick);

    // The failed record was truncated away: the segment ends where the failed write began.
    const segments = segmentFiles(dir);
    expect(segments.length).toBe(1);
    expect(fs.statSync(segments[0]!).size).toBe(offset);

    // Recovery (the dead process's lock is stale) needs no cut and holds every acknowledged tick.
    const db = await openBank(dir, { tickMs: 2, seed: 'full-disk' });
    try {
      expect(db.recovery.cut).toBeUndefined();
      expect(db.engine.tick).toBe(failedTick - 1);
      for (const [tick, hash] of run.durable)
        if (tick % 25 === 0 || tick === lastDurable) expect((await db.asOf(tick)).stateHash).toBe(hash);
      // And the store keeps working: the next tick is the one that failed, written in full this time.
      db.engine.runTick();
      await db.engine.flush();
      expect(db.engine.tick).toBe(failedTick);
    } finally {
      await db.close();
    }
  });
});
