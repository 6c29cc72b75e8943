/**
 * Level of detail in spatial subscriptions, against full-rate updates, in one run: the same world
 * (2,000 random-walking entities in a 1,000 x 1,000 square, the fan-out benchmark's world), the
 * same clients (real SDK connections over the loopback transport, each following one entity with
 * a radius of 100, about 60 entities in view), the same ticks, with and without
 * `lod: { radius: 40, every: 4 }` (rows within 40 every tick, the rest of the circle every 4th).
 *
 * The tick's own CPU (the reducer and the subscription engine's maintenance and frame encoding,
 * measured around `runTick`) is split from delivery (sessions, loopback, SDK caches).
 *
 * Full rate and LOD runs alternate, `--rounds` pairs per client count; each figure is the median
 * over the rounds and each ratio the median of the pairs' ratios (their spread is in the JSON).
 *
 * Per client and tick it reports the bytes the server sent, the updates the SDK caches applied,
 * the server's subscription fan-out wall time (on a shared machine it includes time the process
 * was not scheduled), and the process CPU time of the whole tick (engine, fan-out, sessions and
 * every SDK cache applying its frames, all in this one process), with the LOD figures as ratios
 * against full rate.
 *
 * Run: npx tsx server/bench/subscriptions-lod.ts [--clients 500,1000] [--ticks 40]
 *      [--lod-radius 40] [--lod-every 4] [--rounds 3] [--only lod]   (--only runs one side, for a profile; no JSON)
 */
import { connect, type Connection } from '../src/client';
import { createEngine } from '../src/engine';
import { createLoopbackTransport, createServer } from '../src/net';
import { report, type Figure } from './harness';
import { benchWorld, populate, SERVER } from './net-bench-world';

const ENTITIES = 2_000;
const SIDE = 1_000;
const SPEED = 0.5;
const RADIUS = 100;
const WARMUP = 6;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const CLIENTS = arg('clients', '500,1000').split(',').map(Number);
const TICKS = Number(arg('ticks', '40'));
const ONLY = arg('only', '');
const ROUNDS = Number(arg('rounds', '3'));
const LOD = { radius: Number(arg('lod-radius', '40')), every: Number(arg('lod-every', '4')) };

type World = ReturnType<typeof benchWorld>['module'];

interface Run {
  readonly bytesPerClientTick: number;
  readonly fanoutUsPerClientTick: number;
  readonly cpuUsPerClientTick: number;
  readonly tickCpuUsPerClientTick: number;
  readonly updatesPerClientTick: number;
  readonly rowsInView: number;
}

/** Lets the loopback's microtask deliveries finish (they never cross a macrotask). */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

async function run(clients: number, lod: boolean): Promise<Run> {
  const { module } = benchWorld(ENTITIES, SIDE, SPEED);
  const engine = createEngine({ module, tickMs: 50 });
  populate(engine);
  const server = await createServer({
    engine: engine as never,
    port: 0,
    tokenSecret: 'subscriptions-lod-bench-secret-32-bytes!',
    limits: { maxClients: clients + 10, subscribeRowBurst: 1e9, subscribeRowsPerSecond: 1e9 },
  });
  const conns: Connection<World>[] = [];
  let updates = 0;
  for (let i = 0; i < clients; i++) {
    const conn = await connect<World>({ transport: createLoopbackTransport(server.hub), heartbeat: false });
    conns.push(conn);
    const follow = { table: 'mover' as const, key: (i * 7) % ENTITIES, radius: RADIUS };
    await conn.subscribe(lod ? { table: 'mover', follow, lod: LOD } : { table: 'mover', follow }).applied;
    conn.db.mover.onUpdate(() => void updates++);
  }
  const subs = server.hub.subscriptions;
  let tickCpu = 0;
  const tick = async () => {
    engine.enqueue(SERVER, 'step', { float: true, fixed: false });
    // The tick itself: the reducer moving every entity, then the subscriptions' maintenance and
    // frame encoding (its commit hook). Delivery, sessions and the SDK caches come after.
    const c0 = process.cpuUsage();
    engine.runTick();
    const c = process.cpuUsage(c0);
    tickCpu += c.user + c.system;
    await engine.flush();
    await drain();
  };
  for (let i = 0; i < WARMUP; i++) await tick();
  const bytes0 = subs.stats().bytesSent;
  const updates0 = updates;
  let fanoutMs = 0;
  tickCpu = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < TICKS; i++) {
    await tick();
    fanoutMs += subs.stats().lastFanoutMs;
  }
  const cpu = process.cpuUsage(cpu0);
  const per = clients * TICKS;
  let rows = 0;
  for (const c of conns) rows += c.db.mover.count();
  const out: Run = {
    bytesPerClientTick: (subs.stats().bytesSent - bytes0) / per,
    fanoutUsPerClientTick: (fanoutMs * 1000) / per,
    cpuUsPerClientTick: (cpu.user + cpu.system) / per,
    tickCpuUsPerClientTick: tickCpu / per,
    updatesPerClientTick: (updates - updates0) / per,
    rowsInView: rows / clients,
  };
  for (const c of conns) c.close();
  await server.close();
  return out;
}

if (ONLY !== '') {
  // One side alone, for `node --cpu-prof`: figures printed, no JSON written.
  for (const clients of CLIENTS) console.log(ONLY, clients, await run(clients, ONLY === 'lod'));
  process.exit(0);
}
const figures: Figure[] = [];
const runs: Record<string, Run[]> = {};
const ratioSpreads: Record<string, { min: number; max: number; perRound: number[] }> = {};
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
for (const clients of CLIENTS) {
  // Full rate, then LOD, on identical worlds (same seed, same walk), alternating for ROUNDS
  // pairs so that neither side always meets the shared machine in the same state.
  const fulls: Run[] = [];
  const lods: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    fulls.push(await run(clients, false));
    lods.push(await run(clients, true));
  }
  runs[`full-${clients}`] = fulls;
  runs[`lod-${clients}`] = lods;
  const base = `full rate, ${clients} clients`;
  const pair = (what: string, unit: string, f: (r: Run) => number) => {
    const full = median(fulls.map(f));
    const perRound = fulls.map((r, i) => f(lods[i]!) / f(r));
    const name = `${what}, lod r=${LOD.radius} every ${LOD.every}, ${clients} clients`;
    figures.push({ name: `${what}, full rate, ${clients} clients`, value: full, unit });
    figures.push({ name, value: median(lods.map(f)), unit, ratio: median(perRound), baseline: base });
    ratioSpreads[name] = { min: Math.min(...perRound), max: Math.max(...perRound), perRound };
  };
  pair('bytes per client per tick', 'B', (r) => r.bytesPerClientTick);
  pair('updates applied per client per tick', 'rows', (r) => r.updatesPerClientTick);
  pair('fan-out wall time per client per tick', 'µs', (r) => r.fanoutUsPerClientTick);
  pair('process CPU per client per tick (server + SDK)', 'µs', (r) => r.cpuUsPerClientTick);
  pair(
    'of which the tick (reducer + subscription maintenance and encoding)',
    'µs',
    (r) => r.tickCpuUsPerClientTick,
  );
  pair(
    'of which delivery (sessions, loopback, SDK caches)',
    'µs',
    (r) => r.cpuUsPerClientTick - r.tickCpuUsPerClientTick,
  );
  figures.push({
    name: `rows in view per client, ${clients} clients`,
    value: median(lods.map((r) => r.rowsInView)),
    unit: 'rows',
  });
}
report('subscriptions-lod', figures, {
  entities: ENTITIES,
  side: SIDE,
  radius: RADIUS,
  lod: LOD,
  ticks: TICKS,
  warmup: WARMUP,
  rounds: ROUNDS,
  ratioSpreads,
  runs,
});
process.exit(0);
