import type { Command } from 'commander';
import { TickspaceError } from '../protocol/errors';
import { formatRow, openForCli, parseKey, parseTick, toJson, type CliIo } from './common';
import { keyByUniqueColumn, parseLookup } from './history-lookup';

const ORIGIN = ['client', 'schedule', 'system'];

/** `tickspace history`: every version of one row, with the call and sender behind each. */
export function registerHistory(program: Command, io: CliIo): void {
  program
    .command('history')
    .description('every version of one row: tick, change, reducer call and sender (composite keys: a,b)')
    .argument('<table>', 'table name')
    .argument('<key>', 'primary key value, or column=value of a unique column (name=Alice)')
    .option('--from <tick>', 'only the changes after this tick')
    .option('--json', 'one JSON object per version')
    .action(async (tableName: string, keyText: string, opts: { json?: boolean; from?: string }) => {
      const db = await openForCli(program.opts<{ data: string }>().data, { readOnly: true });
      try {
        // The newest shape of the table (it may exist only in an older schema version).
        const shape = [...(db.store.versions?.versions.map((v) => v.logSchema) ?? [db.store.schema])]
          .reverse()
          .flatMap((s) => s.tables)
          .find((t) => t.name === tableName);
        if (shape === undefined)
          throw new TickspaceError(
            'UNKNOWN_TABLE',
            `no table named '${tableName}' (tables: ${db.store.schema.tables.map((t) => t.name).join(', ')})`,
            { details: { table: tableName } },
          );
        // `a=b` could be a string key: it is a lookup when `a` is a column (or no key is a string).
        const keyShapes = shape.primaryKey.map((k) => shape.columns.find((c) => c.name === k)!);
        const parsed = parseLookup(keyText);
        const lookup =
          parsed !== undefined &&
          (shape.columns.some((c) => c.name === parsed.column) || !keyShapes.some((k) => k.kind === 'string'))
            ? parsed
            : undefined;
        const key =
          lookup === undefined
            ? parseKey(keyText, keyShapes)
            : await keyByUniqueColumn(db, tableName, lookup.column, lookup.value);
        const versions = await db.history(
          tableName,
          key,
          opts.from === undefined ? {} : { from: parseTick(opts.from, '--from') },
        );
        if (versions.length === 0 && !opts.json)
          io.out(
            `no version of ${tableName} ${keyText} in ticks ${db.store.firstTick}..${db.store.lastTick}`,
          );
        for (const v of versions) {
          if (opts.json) io.out(toJson(v));
          else if (v.call === undefined)
            io.out(`tick ${v.tick} ${v.kind.padEnd(8)} ${formatRow(v.row)} (oldest retained snapshot)`);
          else
            io.out(
              `tick ${v.tick} @${v.now}ms ${v.kind.padEnd(8)} ${v.kind === 'delete' ? '' : formatRow(v.row) + ' '}by ${ORIGIN[v.call.origin]} call ${v.call.index} '${v.call.reducer}' from ${v.call.sender}`,
            );
        }
      } finally {
        await db.close();
      }
    });
}
