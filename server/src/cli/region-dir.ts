import fs from 'node:fs';
import path from 'node:path';
import type { ModuleDef } from '../engine';
import { TickspaceError } from '../protocol/errors';
import type { RegionWorldManifest } from './serve-regions';

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
export async function regionDirOf(dir: string): Promise<RegionDir | undefined> {
  const abs = path.resolve(dir);
  const parent = path.dirname(abs);
  if (path.basename(parent) !== 'regions') return undefined;
  const worldDir = path.dirname(parent);
  // serve-regions brings the gateway and the fabric: loaded only for a directory that may be a region.
  const { REGIONS_MANIFEST } = await import('./serve-regions');
  const file = path.join(worldDir, REGIONS_MANIFEST);
  if (!fs.existsSync(file)) return undefined;
  let manifest: RegionWorldManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as RegionWorldManifest;
  } catch (error) {
    throw new TickspaceError(
      'BAD_DATA_DIR',
      `${file}: not a region world's layout (${(error as Error).message})`,
      {
        details: { file },
      },
    );
  }
  const region = path.basename(abs);
  return Array.isArray(manifest.regions) && manifest.regions.includes(region)
    ? { region, worldDir, manifest }
    : undefined;
}

/**
 * The module a region process runs (Frontier with the regions kit, for that region of the recorded
 * grid), so that `replay` and `rewind` re-execute a region's log from the CLI as they do any
 * other data directory's. The content comes from the log, as for any world with history.
 */
export async function regionModule(found: RegionDir): Promise<ModuleDef> {
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
