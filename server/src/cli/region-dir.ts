import path from 'node:path';
import type { ModuleDef } from '../engine';
import { TickspaceError } from '../protocol/errors';
import { readRegionWorldManifest, type RegionWorldManifest } from './region-world-manifest';

/** A region's data directory (`<world>/regions/<name>`) and the layout its world recorded. */
export interface RegionDir {
  readonly region: string;
  readonly worldDir: string;
  readonly manifest: RegionWorldManifest;
}

/**
 * The region `dir` is the data directory of, when it is one: `<world>/regions/<name>` with `<name>`
 * among the regions `<world>/regions.json` records. Undefined for any other directory.
 * @throws TickspaceError BAD_DATA_DIR when the world's `regions.json` cannot be read.
 */
export function regionDirOf(dir: string): RegionDir | undefined {
  const abs = path.resolve(dir);
  const parent = path.dirname(abs);
  if (path.basename(parent) !== 'regions') return undefined;
  const worldDir = path.dirname(parent);
  const manifest = readRegionWorldManifest(worldDir);
  const region = path.basename(abs);
  return manifest?.regions.includes(region) === true ? { region, worldDir, manifest } : undefined;
}

/**
 * The module a region process runs (Frontier with the regions kit, for that region of the recorded
 * grid), so that `replay` and `rewind` re-execute a region's log from the CLI as they do any
 * other data directory's. The content comes from the log, as for any world with history.
 */
export async function regionModule(found: RegionDir): Promise<ModuleDef> {
  // Loaded only for a region: the regions kit and Frontier are not every command's.
  const { regionGrid } = await import('../regions');
  const { createFrontierRegion } = await import('./frontier-region');
  const { manifest } = found;
  const grid = regionGrid(manifest.grid, manifest.worldTiles, manifest.worldTiles);
  const region = await createFrontierRegion({
    region: found.region,
    grid,
    seed: manifest.seed,
    worldTiles: manifest.worldTiles,
    lenientContent: true,
  });
  return region.module;
}

/**
 * Refuses a command on a region world's own directory (`serve --regions --data DIR`), which holds
 * one log per region rather than one of its own, naming the directories the command takes.
 * `info` reads region worlds itself and does not come here.
 * @throws TickspaceError BAD_DATA_DIR when `dir` is a region world.
 */
export function refuseRegionWorld(dir: string): void {
  const manifest = readRegionWorldManifest(dir);
  if (manifest === undefined) return;
  throw new TickspaceError(
    'BAD_DATA_DIR',
    `${path.resolve(dir)} is a region world (grid ${manifest.grid}): each region keeps its own log; pass --data ${path.join(dir, 'regions', '<name>')} (${manifest.regions.join(', ')})`,
    { details: { dir: path.resolve(dir), regions: manifest.regions } },
  );
}

/** What `serve --regions` runs a region world with (see {@link regionServeLayout}). */
export interface RegionServeLayout {
  readonly seed: string;
  readonly worldTiles: number;
  readonly tickMs: number;
}

/**
 * What `serve` does with a region world's directory: without `--regions`, refuses it (it holds one
 * log per region, not a world of its own); with it, the layout to serve, where what the command
 * line leaves out comes from the recorded layout, as a restart of one world keeps its seed.
 * Undefined when neither `--regions` nor a recorded layout says it is a region world.
 * @throws TickspaceError BAD_DATA_DIR naming the grid to serve it with
 */
export function regionServeLayout(
  dataDir: string,
  flags: { regions?: string; seed?: string; worldTiles?: string; tickMs?: number },
): RegionServeLayout | undefined {
  const recorded = readRegionWorldManifest(dataDir);
  if (flags.regions === undefined) {
    if (recorded === undefined) return undefined;
    throw new TickspaceError(
      'BAD_DATA_DIR',
      `${path.resolve(dataDir)} is a region world (grid ${recorded.grid}): serve it with --regions ${recorded.grid}`,
      { details: { dir: path.resolve(dataDir), grid: recorded.grid } },
    );
  }
  return {
    seed: flags.seed ?? recorded?.seed ?? 'frontier',
    worldTiles: flags.worldTiles === undefined ? (recorded?.worldTiles ?? 4096) : Number(flags.worldTiles),
    tickMs: flags.tickMs ?? recorded?.tickMs ?? 50,
  };
}
