/**
 * Crash soak: the crash integration test's kill-and-recover loop, for longer.
 *   npx tsx server/bench/log-crash-soak.ts [iterations=500] [seed=soak-<date>]
 * Prints a summary table and writes bench-results/log-crash-soak.json. Exits 1 on the first
 * violated guarantee (a lost durable tick, a half-applied tick, or a replay divergence).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crashLoop, type IterationReport } from '../test/log/crash-harness';

const iterations = Number(process.argv[2] ?? 500);
const seed = process.argv[3] ?? `soak-${new Date().toISOString().slice(0, 10)}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-soak-'));
const started = performance.now();
let lastPrint = started;
try {
  const result = await crashLoop({
    dir,
    iterations,
    seed,
    maxAcked: 60,
    segmentBytes: 8192,
    snapshotEveryTicks: 40,
    onIteration: (r: IterationReport) => {
      if (performance.now() - lastPrint > 5000) {
        lastPrint = performance.now();
        console.log(`  ${r.iteration + 1}/${iterations} iterations, log at tick ${r.lastTick}`);
      }
    },
  });
  const r = result.reports;
  const rows = {
    iterations: r.length,
    'kills during startup/recovery': r.filter((x) => x.mode === 'startup').length,
    'kills while ticking': r.filter((x) => x.mode === 'running').length,
    'tails torn by the harness': r.filter((x) => x.tore).length,
    'torn tails cut by recovery': r.filter((x) => x.cut !== undefined).length,
    'durable ticks acknowledged': result.ackedTicks,
    'last tick': result.lastTick,
    'ticks re-executed by replay': r.reduce((a, x) => a + x.replayedTicks, 0),
    'wall time (s)': Number(((performance.now() - started) / 1000).toFixed(1)),
  };
  console.table(rows);
  fs.mkdirSync('bench-results', { recursive: true });
  fs.writeFileSync(
    'bench-results/log-crash-soak.json',
    JSON.stringify({ seed, ...rows, violations: 0 }, null, 2) + '\n',
  );
  console.log('no violations: every durable tick survived, no tick was half-applied, replay matched the log');
} catch (error) {
  console.error(`VIOLATION (seed ${seed}, data kept in ${dir}):`, error);
  process.exitCode = 1;
} finally {
  if (process.exitCode !== 1) fs.rmSync(dir, { recursive: true, force: true });
}
