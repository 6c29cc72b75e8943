// What a player sees of a handoff through the gateway: bots walk east and west across the border
// of a 2x1 region world (real processes, a real nats-server, the gateway). For each bot we log the
// wall time between consecutive updates of its own avatar in its client cache. The baseline is
// the median gap while walking inside a region (one tick); the figure is the gap over a move (the
// old region's last update to the first one after the new region's IDENTITY). Usage:
//   npx tsx server/bench/region-gateway.ts [bots=12] [crossings=4]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { connect, type Connection } from '../src/client';
import { serveRegions } from '../src/cli/serve-regions';
import { percentile, report } from './harness';

const bots = Number(process.argv[2] ?? 12);
const crossings = Number(process.argv[3] ?? 4);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-bench-gateway-'));
const world = await serveRegions({
  dataDir,
  spec: '2x1',
  natsUrl: undefined,
  port: 0,
  host: '127.0.0.1',
  seed: 'bench',
  worldTiles: 512,
  tickMs: 50,
  print: () => {},
});
const inside: number[] = [];
const crossing: number[] = [];
const conns: Connection<any>[] = [];
for (let i = 0; i < bots; i++) {
  const conn = (await connect({ url: world.gatewayUrl, WebSocket: WebSocket as never })) as Connection<any>;
  await conn.call('join', { name: `bench${i}` });
  await conn.subscribe({
    table: 'avatar',
    follow: { table: 'avatar', key: conn.identity as never, radius: 8, exitRadius: 10 },
  }).applied;
  const avatar = (conn.db as any).avatar;
  let last = 0;
  // A second IDENTITY on the open link: the gateway moved this client to the other region.
  let moved = false;
  conn.onFrame((m) => {
    if (m.type === 'identity') moved = true;
  });
  const seen = (row: { identity: string }) => {
    if (row.identity !== conn.identity) return;
    const now = performance.now();
    if (last > 0) (moved ? crossing : inside).push(now - last);
    moved = false;
    last = now;
  };
  avatar.onUpdate((_old: unknown, row: { identity: string }) => seen(row));
  avatar.onInsert((row: { identity: string }) => seen(row));
  conns.push(conn);
}
for (let leg = 0; leg < crossings; leg++) {
  const dx = leg % 2 === 0 ? 1 : -1;
  await Promise.all(conns.map((c) => c.call('move', { dx, dy: 0 }).catch(() => {})));
  // A leg of walking: long enough to pass the border and the hysteresis each way.
  await new Promise((resolve) => setTimeout(resolve, leg === 0 ? 2_500 : 5_000));
}
for (const c of conns) c.close();
await world.stop();
fs.rmSync(dataDir, { recursive: true, force: true });
const tick = percentile(inside, 0.5);
report(
  'region-gateway',
  [
    { name: 'update gap inside a region, p50', value: tick, unit: 'ms' },
    {
      name: 'update gap over a crossing, p50',
      value: percentile(crossing, 0.5),
      unit: 'ms',
      ratio: percentile(crossing, 0.5) / tick,
      baseline: 'gap inside',
    },
    {
      name: 'update gap over a crossing, p99',
      value: percentile(crossing, 0.99),
      unit: 'ms',
      ratio: percentile(crossing, 0.99) / tick,
      baseline: 'gap inside',
    },
  ],
  {
    bots,
    crossings,
    samplesInside: inside.length,
    samplesCrossing: crossing.length,
    moves: world.gatewayCounts.moves,
  },
);
process.exit(0);
