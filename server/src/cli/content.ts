import type { Command } from 'commander';
import { OP } from '../engine/tooling';
import type { LoggedContentChange } from '../world/content-history';
import { openForCli, toJson, type CliIo } from './common';

/**
 * `tickspace content`: the content versions a world ran on, read from its log (a Frontier world,
 * or any module with Frontier's content tables): revision, tick, hash, what changed and what
 * wrote it. `inspect item_def --as-of <tick>` shows one version's rows.
 */
export function registerContent(program: Command, io: CliIo): void {
  program
    .command('content')
    .description(
      'list the content versions in the log: rev, tick, hash, what changed (+added ~changed -removed) and what wrote it',
    )
    .option('--json', 'one JSON object per version')
    .action(async (opts: { json?: boolean }) => {
      const db = await openForCli(program.opts<{ data: string }>().data, { readOnly: true });
      try {
        const names = db.store.schema.tables.map((t) => t.name);
        if (!names.includes('item_def') || !names.includes('world_info')) {
          io.out('this data directory has no content tables (item_def, world_info): not a Frontier world');
          return;
        }
        // The world's helpers load lazily: they bring Frontier's content schema, which other commands never need.
        const { contentVersions } = await import('../world/content-history');
        const first = db.store.segments[0]?.firstTick ?? 1;
        const last = db.store.lastTick;
        if (last === 0) {
          io.out('the log is empty: no content yet');
          return;
        }
        type Entry = { tick: number; changes: LoggedContentChange[] };
        const entries: Entry[] = [];
        // Pruned history: the oldest retained state stands for what came before.
        if (first > 1) {
          const view = await db.asOf(first - 1);
          entries.push({ tick: view.tick, changes: changesOf(view.tables, names) });
        }
        for (const tick of db.ticks(first, last, { changes: true }))
          entries.push({
            tick: tick.tick,
            changes: tick.changes.map((c) => ({
              table: names[c.tableId]!,
              kind: c.kind === OP.DELETE ? 'delete' : c.kind === OP.INSERT ? 'insert' : 'update',
              oldRow: c.oldRow,
              newRow: c.newRow,
              reducer: tick.calls[c.callIndex]?.reducer ?? '?',
            })),
          });
        const versions = contentVersions(entries);
        if (versions.length === 0) io.out('no content in the log');
        for (const v of versions)
          io.out(opts.json ? toJson(v) : `rev ${v.rev}  tick ${v.tick}  ${v.hash}  ${v.cause}  ${v.summary}`);
      } finally {
        await db.close();
      }
    });
}

/** Every row of the given tables as inserts, standing for the state before the retained log. */
function changesOf(
  tables: Readonly<Record<string, { iter(): readonly Readonly<Record<string, unknown>>[] }>>,
  names: readonly string[],
): LoggedContentChange[] {
  return names.flatMap((table) =>
    (tables[table]?.iter() ?? []).map((row) => ({
      table,
      kind: 'insert' as const,
      oldRow: undefined,
      newRow: row,
      reducer: '(retained history starts here)',
    })),
  );
}
