/**
 * What the commit log costs on disk per player-hour, and what one retention pass costs: runs an
 * in-process Frontier population with a commit log (as `npm run sim -- --data-dir` does), then
 * reads the directory back. Reports the whole run and its second half (after the join and the walk
 * home, closer to a steady state), and times a retention pass keeping a quarter of the ticks.
 * Writes bench-results/log-retention.json.
 *
 *   npx tsx sim/bench/log-bytes.bench.ts [--players 100,300] [--minutes 10] [--seed retention]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, RECORD_FRAME_BYTES } from '@tickspace/server/engine/tooling';
import { parseMix } from '../src/behaviour/population';
import { runInProcess } from '../src/runners/in-process-runner';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const playerCounts = arg('players', '100,300').split(',').map(Number);
const minutes = Number(arg('minutes', '10'));
const seed = arg('seed', 'retention');

const rows = [];
for (const players of playerCounts) {
  const dir = join(mkdtempSync(join(tmpdir(), 'tickspace-log-bytes-')), 'data');
  try {
    const sim = await runInProcess({ mix: parseMix(undefined, players), seed, minutes, dataDir: dir });
    const db = await openDatabase({ dir, readOnly: true });
    const { segmentBytes, snapshotBytes, lastTick } = db.storage;
    const half = Math.floor(lastTick / 2);
    let secondHalfBytes = 0;
    for (const { tick, payload } of db.store.payloads(1, lastTick))
      if (tick > half) secondHalfBytes += payload.length + RECORD_FRAME_BYTES;
    await db.close();
    const hours = sim.virtualMs / 3_600_000;
    const secondHalfHours = (hours * (lastTick - half)) / lastTick;
    // A retention pass keeping a quarter of the ticks (the sim snapshots every 3000 ticks).
    const pruning = await openDatabase({
      dir,
      retention: { ticks: Math.floor(lastTick / 4) },
      durability: 'never',
    });
    const pass = await pruning.applyRetention();
    await pruning.close();
    rows.push({
      players,
      logicalMinutes: sim.virtualMs / 60_000,
      ticks: lastTick,
      segmentBytes,
      snapshotBytes,
      bytesPerPlayerHour: Math.round(segmentBytes / (players * hours)),
      secondHalfBytesPerPlayerHour: Math.round(secondHalfBytes / (players * secondHalfHours)),
      bytesPerTick: Math.round(segmentBytes / lastTick),
      retentionPass: {
        keepTicks: Math.floor(lastTick / 4),
        ms: Number(pass.ms.toFixed(2)),
        removedSegments: pass.removedSegments,
        removedSnapshots: pass.removedSnapshots,
        freedBytes: pass.freedBytes,
        oldestTick: pass.oldestTick,
      },
    });
  } finally {
    rmSync(dirname(dir), { recursive: true, force: true });
  }
}

console.log(
  'players | minutes | log bytes | snapshot bytes | bytes/player-hour (all) | (second half) | retention pass',
);
for (const r of rows)
  console.log(
    `${r.players} | ${r.logicalMinutes} | ${r.segmentBytes} | ${r.snapshotBytes} | ${r.bytesPerPlayerHour} | ${r.secondHalfBytesPerPlayerHour} | ${r.retentionPass.ms} ms, ${r.retentionPass.removedSegments} segment(s) + ${r.retentionPass.removedSnapshots} snapshot(s), ${r.retentionPass.freedBytes} bytes`,
  );
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const out = join(ROOT, 'bench-results', 'log-retention.json');
writeFileSync(
  out,
  JSON.stringify(
    {
      command: `npx tsx sim/bench/log-bytes.bench.ts --players ${playerCounts.join(',')} --minutes ${minutes} --seed ${seed}`,
      seed,
      rows,
    },
    null,
    1,
  ) + '\n',
);
console.log(`wrote ${out}`);
