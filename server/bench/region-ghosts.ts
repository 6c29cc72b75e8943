// The tick cost of ghosts: two region engines (in-process, no log, no clients) where every mover
// of the west walks inside the east's ghost band, every tick. Measured per tick: the west's tick
// (its calls plus the ghost relay's deltas and keyframes, sent from the fan-out) and the east's
// (its ghost_apply calls), against the same walk with no ghost relay, in the same run.
// Run: npx tsx server/bench/region-ghosts.ts [movers=500] [ticks=400]
import { createEngine, SERVER_IDENTITY, type Engine } from '../src/engine';
import { createMemoryFabric } from '../src/fabric';
import { GhostRelay } from '../src/regions';
import { GHOST_GRID, ghostModule } from '../test/regions/ghost-fixture';
import { percentile, report, type Figure } from './harness';

const MOVERS = Number(process.argv[2] ?? 500);
const TICKS = Number(process.argv[3] ?? 400);
const quiet = { error: () => {}, warn: () => {} };

interface Result {
  west: number[];
  east: number[];
  bytes: number;
  rows: number;
  ghosts: number;
}

async function run(ghosts: boolean): Promise<Result> {
  const fabric = createMemoryFabric({ manual: true });
  let bytes = 0;
  const send = fabric.send.bind(fabric);
  fabric.send = (subject, data) => {
    bytes += data.byteLength;
    send(subject, data);
  };
  const engines: Engine<ReturnType<typeof ghostModule>>[] = [];
  const relays: GhostRelay[] = [];
  for (const region of GHOST_GRID.regions) {
    const engine = createEngine({ module: ghostModule(region.name), tickMs: 50, logger: quiet });
    engines.push(engine);
    if (ghosts) {
      const relay = new GhostRelay({
        engine,
        fabric,
        region: region.name,
        grid: GHOST_GRID,
        table: 'mover',
        bandTiles: 12,
        logger: quiet,
      });
      await relay.start();
      relays.push(relay);
    }
  }
  const [west, east] = engines as [(typeof engines)[0], (typeof engines)[0]];
  for (let i = 0; i < MOVERS; i++)
    west.enqueue(SERVER_IDENTITY, 'spawn', { id: `m${i}`, x: 90 + (i % 10), y: (i * 7) % 100 });
  const result: Result = { west: [], east: [], bytes: 0, rows: 0, ghosts: 0 };
  for (let t = 0; t < TICKS + 20; t++) {
    // Everyone walks a tile every 20 ticks, back and forth, never leaving the band.
    west.enqueue(SERVER_IDENTITY, 'shift_all', { dx: Math.floor(t / 40) % 2 === 0 ? 0.05 : -0.05 });
    const a = performance.now();
    west.runTick();
    const b = performance.now();
    while (fabric.step());
    const c = performance.now();
    east.runTick();
    const d = performance.now();
    if (t >= 20) {
      result.west.push(b - a);
      result.east.push(d - c);
    }
  }
  result.bytes = bytes / (TICKS + 20);
  result.rows = relays[0]?.counts.rowsSent ?? 0;
  result.ghosts = east.db.ts_ghost.count();
  for (const r of relays) await r.stop();
  return result;
}

// Warm the JIT on a short run of each, then measure.
await run(false);
await run(true);
const base = await run(false);
const with_ = await run(true);
const figures: Figure[] = [];
for (const [side, q] of [
  ['west', 0.5],
  ['west', 0.99],
  ['east', 0.5],
  ['east', 0.99],
] as const) {
  const b = percentile(base[side], q);
  const g = percentile(with_[side], q);
  const label = `${side} tick p${q === 0.5 ? 50 : 99}`;
  figures.push({ name: `${label}, no ghosts`, value: b, unit: 'ms' });
  figures.push({
    name: `${label}, ghosts`,
    value: g,
    unit: 'ms',
    ratio: g / b,
    baseline: `${label}, no ghosts`,
  });
}
// Per row: what keeping a ghost costs the receiver each tick, against what its owner pays to move it.
const ownRow = (percentile(base.west, 0.5) / MOVERS) * 1_000;
const ghostRow = (percentile(with_.east, 0.5) / MOVERS) * 1_000;
const sendRow = ((percentile(with_.west, 0.5) - percentile(base.west, 0.5)) / MOVERS) * 1_000;
figures.push({ name: 'owner: a row moved (p50 tick / rows)', value: ownRow, unit: 'us' });
figures.push({
  name: 'sender: a row sent as a ghost delta',
  value: sendRow,
  unit: 'us',
  ratio: sendRow / ownRow,
  baseline: 'owner: a row moved',
});
figures.push({
  name: 'receiver: a ghost row applied',
  value: ghostRow,
  unit: 'us',
  ratio: ghostRow / ownRow,
  baseline: 'owner: a row moved',
});
figures.push({ name: 'ghost bytes sent per tick (both ways)', value: with_.bytes, unit: 'B' });
figures.push({ name: 'ghosts held by the east at the end', value: with_.ghosts, unit: 'rows' });
report('region-ghosts', figures, { movers: MOVERS, ticks: TICKS, bandTiles: 12, keyframeTicks: 20 });
