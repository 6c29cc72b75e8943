import fs from 'node:fs';
import path from 'node:path';
import { TickspaceError } from '../protocol/errors';

/** What `<data>/regions.json` records: the layout a region world was created with. */
export interface RegionWorldManifest {
  readonly grid: string;
  readonly worldTiles: number;
  readonly seed: string;
  readonly tickMs: number;
  readonly regions: readonly string[];
}

/** The manifest file of a region world's data directory. */
export const REGIONS_MANIFEST = 'regions.json';

/**
 * The layout `dir` records as a region world (`serve --regions`), or undefined when it is none.
 * @throws TickspaceError BAD_DATA_DIR when `regions.json` is there but is not a layout.
 */
export function readRegionWorldManifest(dir: string): RegionWorldManifest | undefined {
  const file = path.join(dir, REGIONS_MANIFEST);
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
  if (typeof manifest !== 'object' || manifest === null || !Array.isArray(manifest.regions))
    throw new TickspaceError('BAD_DATA_DIR', `${file}: not a region world's layout (no list of regions)`, {
      details: { file },
    });
  return manifest;
}
