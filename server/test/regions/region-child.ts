// A region process for tests: the fixture module over a real broker, moving every player it holds
// to the other region until told to stop. argv: region, other, dir, natsUrl, spawnCount.
// IPC in: 'stop-moving', 'status', 'exit'. IPC out: { status } after the next tick, 'ready'.
import { SERVER_IDENTITY } from '../../src/engine';
import { faultFromEnv, startRegion } from '../../src/regions/region-process';
import { regionModule } from './region-fixture';

const [region, other, dir, natsUrl, spawn] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const quiet = { error: () => {}, warn: () => {} };

const running = await startRegion({
  module: regionModule(region),
  region,
  dir,
  natsUrl,
  tickMs: 20,
  republishMs: 200,
  ackWaitMs: 1_000,
  fault: faultFromEnv(),
  logger: quiet,
});
const engine = running.db.engine;
// Only a first launch spawns (the parent passes 0 on a restart): the log holds the rest.
for (let i = 0; i < Number(spawn); i++)
  void engine.call(SERVER_IDENTITY, 'spawn', { id: `${region}${i}`, items: 2, qty: i + 1 });

let moving = true;
const asked = new Set<string>();
engine.onTick(() => {
  if (!moving) return;
  for (const p of engine.db.player.iter()) {
    if (asked.has(p.id)) continue;
    asked.add(p.id);
    void engine
      .call(SERVER_IDENTITY, 'handoff_out', { entity: p.id, to: other })
      .then(() => asked.delete(p.id));
  }
});

process.on('message', (m) => {
  if (m === 'stop-moving') moving = false;
  if (m === 'status')
    void engine.nextTick().then(() =>
      process.send!({
        status: {
          applied: running.relay.counts.applied,
          outbox: engine.db.ts_outbox.count(),
          asked: asked.size,
          tick: engine.tick,
        },
      }),
    );
  if (m === 'exit') void running.stop().then(() => process.exit(0));
});
process.send!('ready');
