import fs from 'node:fs';
import path from 'node:path';
import type { ReadonlyDb } from '../engine';
import { dataDirPaths } from '../engine/tooling';
import type { HandoffTables } from '../regions';
import { openForCli, toJson, type CliIo } from './common';
import { REGIONS_MANIFEST, type RegionWorldManifest } from './serve-regions';

/** Whether `dir` holds a region world (`tickspace serve --regions`). */
export function isRegionWorld(dir: string): boolean {
  return fs.existsSync(path.join(dir, REGIONS_MANIFEST));
}

/**
 * `tickspace info` of a region world: its layout, then per region its log (ticks, state hash),
 * the players it holds, its handoffs in flight, and whether a process has it open. Each region's
 * own `info`, `log`, `replay` and `history` take `--data <dir>/regions/<name>`.
 */
export async function printRegionWorldInfo(dir: string, io: CliIo, json: boolean): Promise<void> {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(dir, REGIONS_MANIFEST), 'utf8'),
  ) as RegionWorldManifest;
  const regions = [];
  for (const name of manifest.regions) {
    const regionDir = path.join(dir, 'regions', name);
    if (!fs.existsSync(regionDir)) {
      regions.push({ name, dir: regionDir, created: false as const });
      continue;
    }
    const db = await openForCli(regionDir, { readOnly: true });
    try {
      const tables = db.engine.db as unknown as ReadonlyDb<HandoffTables> &
        Record<string, { count(): number }>;
      const lock = dataDirPaths(regionDir).lock;
      regions.push({
        name,
        dir: regionDir,
        created: true as const,
        ticks: { first: db.store.firstTick, last: db.store.lastTick },
        stateHash: db.engine.stateHash,
        // Ghosts (other regions' players mirrored here) are not this region's.
        players: (tables.avatar?.count() ?? 0) - (tables.ts_ghost?.count() ?? 0),
        outbox: tables.ts_outbox.count(),
        arrivals: tables.ts_resident.count(),
        lockedBy: fs.existsSync(lock) ? Number(fs.readFileSync(lock, 'utf8')) : undefined,
      });
    } finally {
      await db.close();
    }
  }
  const info = { dir: path.resolve(dir), ...manifest, regions };
  if (json) {
    io.out(toJson(info));
    return;
  }
  io.out(
    `region world ${info.dir}: grid ${manifest.grid} over ${manifest.worldTiles}x${manifest.worldTiles} tiles (seed ${JSON.stringify(manifest.seed)}, ${manifest.tickMs} ms ticks)`,
  );
  for (const r of regions)
    if (!r.created) io.out(`  ${r.name}: not started yet (${r.dir})`);
    else
      io.out(
        `  ${r.name}: ticks ${r.ticks.first}..${r.ticks.last}, ${r.players} player(s), ${r.outbox} handoff(s) in flight, state hash ${r.stateHash}${r.lockedBy === undefined ? '' : `, in use by process ${r.lockedBy}`} (${r.dir})`,
      );
}
