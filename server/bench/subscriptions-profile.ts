/**
 * Tick-only CPU profile of subscription fan-out (setup excluded): 2,000 moving entities, N clients
 * with a radius query, fixed or following. Prints median fan-out ms and process CPU per tick.
 *
 * Run: npx tsx server/bench/subscriptions-profile.ts <fixed|follow> [clients] [out.cpuprofile]
 */
import seedrandom from 'seedrandom';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { createEngine } from '../src/engine';
import { createSubscriptions } from '../src/engine/tooling';
import { benchWorld, populate, SERVER } from './net-bench-world';
const follow = process.argv[2] === 'follow';
const clients = Number(process.argv[3] ?? 2000);
const { module } = benchWorld(2000, 1000, 0.5, 'fanout');
const engine = createEngine({ module, seed: 'fanout' });
populate(engine);
const subs = createSubscriptions(engine);
const rng = seedrandom.alea(`clients-${clients}`);
const sink = { bufferedAmount: 0, send: (_frame: Uint8Array) => {} };
for (let c = 0; c < clients; c++) {
  const h = subs.addClient(SERVER, sink);
  if (follow) {
    const key = Math.floor(rng() * 2000);
    subs.subscribe(h, 1, {
      table: 'mover',
      follow: { table: 'mover', key, radius: 98, exitRadius: 98 * 1.1 },
    });
  } else subs.subscribe(h, 1, { table: 'mover', near: { x: rng() * 1000, y: rng() * 1000, radius: 98 } });
}
const ms: number[] = [];
const out = process.argv[4];
const session = new Session();
if (out) {
  session.connect();
  session.post('Profiler.enable');
}
for (let i = 0; i < 3; i++) {
  engine.enqueue(SERVER, 'step', { float: true, fixed: false });
  engine.runTick();
}
if (out) session.post('Profiler.start');
const cpu0 = process.cpuUsage();
for (let i = 0; i < 30; i++) {
  engine.enqueue(SERVER, 'step', { float: true, fixed: false });
  engine.runTick();
  if (i >= 5) ms.push(subs.stats().lastFanoutMs);
}
if (out)
  session.post('Profiler.stop', (err, r) => {
    writeFileSync(out, JSON.stringify(r.profile));
  });
const cpu = process.cpuUsage(cpu0);
ms.sort((a, b) => a - b);
console.log(
  follow ? 'follow' : 'fixed',
  clients,
  'median fanout ms',
  ms[ms.length >> 1]!.toFixed(1),
  'cpu ms/tick (whole tick)',
  ((cpu.user + cpu.system) / 1000 / 30).toFixed(1),
);
