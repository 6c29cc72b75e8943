import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli';
import { createFrontierRegion } from '../../src/cli/frontier-region';
import { regionServeLayout } from '../../src/cli/region-dir';
import { REGIONS_MANIFEST, serveRegions, type RegionWorldManifest } from '../../src/cli/serve-regions';
import type { ModuleDef, ReadonlyDb } from '../../src/engine';
import { openDatabase, type Database } from '../../src/engine/tooling';
import { createMemoryFabric } from '../../src/fabric';
import { HandoffRelay, openPlayerDirectory, regionGrid, type HandoffTables } from '../../src/regions';
import { makeWorld, who, type FrontierEngine } from '../world/helpers';

const quiet = { error: () => {}, warn: () => {} };
const NAMES = ['r0_0', 'r1_0'] as const;
const LAYOUT: RegionWorldManifest = {
  grid: '2x1',
  worldTiles: 512,
  seed: 'region-cli',
  tickMs: 50,
  regions: [...NAMES],
};

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, text: out.join('\n'), error: err.join('\n') };
}

/**
 * A region world on disk as `serve --regions 2x1` lays it out (`regions.json`, one log per region
 * under `regions/`), written by two region databases over an in-process fabric: Ann joins in the
 * west and walks into the east, so both logs hold a handoff.
 */
async function regionWorldOnDisk(): Promise<string> {
  const world = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-region-cli-'));
  fs.writeFileSync(path.join(world, REGIONS_MANIFEST), JSON.stringify(LAYOUT));
  const grid = regionGrid(LAYOUT.grid, LAYOUT.worldTiles, LAYOUT.worldTiles);
  const fabric = createMemoryFabric({ seed: 1, manual: true });
  const directory = await openPlayerDirectory(fabric);
  const regions: { db: Database<ModuleDef>; relay: HandoffRelay; engine: FrontierEngine }[] = [];
  for (const name of NAMES) {
    const region = await createFrontierRegion({
      region: name,
      grid,
      seed: LAYOUT.seed,
      worldTiles: LAYOUT.worldTiles,
    });
    const db = await openDatabase({
      dir: path.join(world, 'regions', name),
      module: region.module,
      seed: LAYOUT.seed,
      tickMs: LAYOUT.tickMs,
      durability: 'never',
      confirm: 'immediate',
      logger: quiet,
    });
    const engine = db.engine as unknown as FrontierEngine;
    const relay = new HandoffRelay({
      engine,
      fabric,
      region: name,
      directory,
      republishMs: 0,
      logger: quiet,
    });
    await relay.start();
    region.watchBorders(engine);
    engine.runTick();
    regions.push({ db, relay, engine });
  }
  const [west, east] = regions as [(typeof regions)[0], (typeof regions)[0]];
  const ann = who(1);
  const westWorld = makeWorld(
    (await createFrontierRegion({ ...LAYOUT, region: 'r0_0', grid })).frontier,
    west.engine,
  );
  west.engine.connect(ann);
  westWorld.ok(ann, 'join', { name: 'Ann' });
  westWorld.teleport(ann, 250, 256);
  westWorld.give(ann, 'fiber', 5);
  westWorld.ok(ann, 'move', { dx: 1, dy: 0 });
  const outbox = (e: FrontierEngine) => (e.db as unknown as ReadonlyDb<HandoffTables>).ts_outbox.count();
  for (let round = 0; round < 400 && (!east.engine.db.avatar.has(ann) || outbox(west.engine) > 0); round++)
    await tickBoth(regions, fabric);
  expect(east.engine.db.avatar.has(ann)).toBe(true);
  for (const r of regions) {
    await r.relay.stop();
    await r.db.close();
  }
  return world;
}

async function tickBoth(
  regions: readonly { relay: HandoffRelay; engine: FrontierEngine }[],
  fabric: ReturnType<typeof createMemoryFabric>,
): Promise<void> {
  for (const r of regions) r.engine.runTick();
  for (let i = 0; i < 4; i++) {
    for (const r of regions) await r.relay.settled();
    while (fabric.step()) for (const r of regions) await r.relay.settled();
  }
}

describe("the CLI on a region's data directory", () => {
  it('replays each region of a region world without --module, handoffs included', async () => {
    const world = await regionWorldOnDisk();
    for (const name of NAMES) {
      const dir = path.join(world, 'regions', name);
      const log = await cli('--data', dir, 'log', '--json');
      expect(log.text).toMatch(/"reducer":"handoff_(out|in)"/);
      const r = await cli('--data', dir, 'replay');
      expect(r.error).toBe('');
      expect(r.text).toMatch(/^replay 1\.\.\d+: all \d+ tick\(s\) reproduced the log/);
      expect(r.status).toBe(0);
    }
    // rewind runs reducers too: to the last tick (after every handoff), it needs no --module either.
    const east = path.join(world, 'regions', 'r1_0');
    const last = Number(/ticks \d+\.\.(\d+)/.exec((await cli('--data', east, 'info')).text)![1]);
    const rewound = await cli('--data', east, 'rewind', String(last));
    expect(rewound.error).toBe('');
    expect(rewound.text).toContain(`rewound to tick ${last} in new tick ${last + 1}`);
  }, 120_000);

  it('still asks for --module where no region layout names the directory', async () => {
    const world = await regionWorldOnDisk();
    // A copy of a region's log outside its world: nothing says which region it was.
    const stray = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-stray-'));
    fs.cpSync(path.join(world, 'regions', 'r0_0'), path.join(stray, 'r0_0'), { recursive: true });
    const r = await cli('--data', path.join(stray, 'r0_0'), 'replay');
    expect(r.status).not.toBe(0);
    expect(r.error).toContain('pass --module');
    // A layout that lists other regions does not claim this one either.
    fs.writeFileSync(path.join(world, REGIONS_MANIFEST), JSON.stringify({ ...LAYOUT, regions: ['r1_0'] }));
    expect((await cli('--data', path.join(world, 'regions', 'r0_0'), 'replay')).error).toContain(
      'pass --module',
    );
    // And a layout that is not JSON says where and why.
    fs.writeFileSync(path.join(world, REGIONS_MANIFEST), '{ grid: 2x1');
    const bad = await cli('--data', path.join(world, 'regions', 'r0_0'), 'replay');
    expect(bad.status).not.toBe(0);
    expect(bad.error).toContain(`${path.join(world, REGIONS_MANIFEST)}: not a region world's layout`);
  }, 120_000);

  it("refuses the world's own directory for a region's command, and says how to serve it", async () => {
    const world = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-region-world-'));
    fs.writeFileSync(path.join(world, REGIONS_MANIFEST), JSON.stringify(LAYOUT));
    const replay = await cli('--data', world, 'replay');
    expect(replay.status).not.toBe(0);
    expect(replay.error).toContain(`${world} is a region world (grid 2x1): each region keeps its own log`);
    expect(replay.error).toContain('(r0_0, r1_0)');
    // (serve's own start is not run here: it watches the process's signals and IPC channel.)
    expect(() => regionServeLayout(world, {})).toThrow(
      /is a region world \(grid 2x1\): serve it with --regions 2x1/,
    );
    expect(fs.readdirSync(world).sort()).toEqual([REGIONS_MANIFEST]);
  });

  it('a restart of a region world without --seed or --world-tiles keeps the recorded layout', async () => {
    const world = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-region-restart-'));
    fs.writeFileSync(path.join(world, REGIONS_MANIFEST), JSON.stringify(LAYOUT));
    const layout = regionServeLayout(world, { regions: '2x1' })!;
    expect(layout).toEqual({ seed: 'region-cli', worldTiles: 512, tickMs: 50 });
    const start = (l: typeof layout) =>
      serveRegions({
        ...l,
        dataDir: world,
        spec: '2x1',
        natsUrl: 'nats://127.0.0.1:1',
        port: 0,
        host: '127.0.0.1',
        print: () => {},
      });
    // No broker listens there: the start gets past the layout check and stops at the fabric.
    await expect(start(layout)).rejects.toMatchObject({ code: 'FABRIC_UNAVAILABLE' });
    // A seed named on the command line must still match.
    const other = regionServeLayout(world, { regions: '2x1', seed: 'other' })!;
    await expect(start(other)).rejects.toMatchObject({
      message: expect.stringContaining('created with seed region-cli, not other'),
    });
    // One world's directory is none of this.
    expect(regionServeLayout(fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-one-')), {})).toBeUndefined();
  }, 60_000);
});
