import fs from 'node:fs';
import type { Command } from 'commander';
import { dataDirPaths } from '../engine/tooling';
import { openForCli, toJson, type CliIo } from './common';
import { isRegionWorld, printRegionWorldInfo } from './info-regions';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** `tickspace info`: what a data directory holds. */
export function registerInfo(program: Command, io: CliIo): void {
  program
    .command('info')
    .description(
      'summarize a data directory: seed, tick rate, tables, retained ticks, disk use, segments, snapshots',
    )
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const dir = program.opts<{ data: string }>().data;
      if (isRegionWorld(dir)) return printRegionWorldInfo(dir, io, opts.json === true);
      const db = await openForCli(dir, { readOnly: true });
      try {
        const m = db.manifest;
        const segments = db.store.segments.map((s) => ({
          file: s.file,
          firstTick: s.firstTick,
          bytes: s.bytes,
        }));
        const storage = db.storage;
        const lock = dataDirPaths(dir).lock;
        const info = {
          dir: db.paths.dir,
          seed: m.seed,
          tickMs: m.tickMs,
          modulePath: m.modulePath,
          tables: m.schema.tables.map((t) => t.name),
          reducers: m.schema.reducers.map((r) => r.name),
          schemaVersions: (db.store.versions?.versions ?? []).map((v) => ({
            version: v.version,
            fromTick: v.fromTick,
          })),
          retainedTicks: { first: db.store.firstTick, last: db.store.lastTick },
          stateHash: db.engine.stateHash,
          oldestRetainedTick: storage.oldestTick,
          historyPruned: db.store.pruned,
          diskBytes: storage.diskBytes,
          logBytes: storage.segmentBytes,
          snapshotBytes: storage.snapshotBytes,
          segments,
          snapshots: db.store.snapshots.map((s) => s.tick),
          lockedBy: fs.existsSync(lock) ? Number(fs.readFileSync(lock, 'utf8')) : undefined,
          tornTail: db.recovery.cut,
        };
        if (opts.json) {
          io.out(toJson(info));
          return;
        }
        io.out(
          `data directory ${info.dir} (seed ${JSON.stringify(info.seed)}, ${info.tickMs} ms ticks${info.modulePath ? `, module ${info.modulePath}` : ''})`,
        );
        io.out(`tables: ${info.tables.join(', ')}`);
        io.out(`reducers: ${info.reducers.join(', ')}`);
        if (info.schemaVersions.length > 1)
          io.out(
            `schema version ${info.schemaVersions[info.schemaVersions.length - 1]!.version} (${info.schemaVersions.map((v) => `version ${v.version} from tick ${v.fromTick}`).join(', ')})`,
          );
        io.out(`ticks ${info.retainedTicks.first}..${info.retainedTicks.last}, state hash ${info.stateHash}`);
        io.out(
          `oldest retained tick ${info.oldestRetainedTick}${info.historyPruned ? ' (older history was removed by a retention policy)' : ' (the whole history)'}`,
        );
        io.out(
          `disk: ${info.diskBytes} bytes (${mib(info.diskBytes)}): log ${info.logBytes} bytes in ${segments.length} segment(s), snapshots ${info.snapshotBytes} bytes`,
        );
        io.out(`snapshots at ticks ${info.snapshots.join(', ') || 'none'}`);
        if (info.lockedBy !== undefined) io.out(`in use by process ${info.lockedBy}`);
        if (info.tornTail)
          io.out(
            `torn tail (a writer is mid-append, or recovery will cut it): ${info.tornTail.file} at byte ${info.tornTail.offset}`,
          );
      } finally {
        await db.close();
      }
    });
}
