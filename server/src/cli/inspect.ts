import type { Command } from 'commander';
import { TickspaceError } from '../protocol/errors';
import { compareValues } from '../engine';
import { formatRow, openForCli, parseTick, parseValue, toJson, type CliIo } from './common';

const FILTER = /^([A-Za-z_$][\w$]*)(<=|>=|!=|=|<|>)(.*)$/;

/** `tickspace inspect`: a table's rows as of a tick, optionally filtered. */
export function registerInspect(program: Command, io: CliIo): void {
  program
    .command('inspect')
    .description('print a table as of a tick; filters look like level>=2 name=alice (=, !=, <, <=, >, >=)')
    .argument('<table>', 'table name')
    .argument('[filters...]', 'column filters')
    .option('--as-of <tick>', 'the tick to read (default: the last)')
    .option('--limit <n>', 'print at most n rows', '100')
    .option('--json', 'one JSON object per row')
    .action(
      async (
        tableName: string,
        filters: string[],
        opts: { asOf?: string; limit: string; json?: boolean },
      ) => {
        const db = await openForCli(program.opts<{ data: string }>().data, { readOnly: true });
        try {
          // The table as it was at that tick: a migration may have changed its shape since.
          const schema = db.store.schemaAt(opts.asOf === undefined ? db.store.lastTick : Number(opts.asOf));
          const shape = schema.tables.find((t) => t.name === tableName);
          if (shape === undefined)
            throw new TickspaceError(
              'UNKNOWN_TABLE',
              `no table named '${tableName}' (tables: ${schema.tables.map((t) => t.name).join(', ')})`,
              { details: { table: tableName } },
            );
          const tests = filters.map((f) => {
            const m = FILTER.exec(f);
            if (m === null)
              throw new TickspaceError(
                'INVALID_ARGUMENT',
                `filter ${JSON.stringify(f)} is not <column><op><value> with op one of = != < <= > >=`,
              );
            const [, column, op, text] = m as unknown as [string, string, string, string];
            const col = shape.columns.find((c) => c.name === column);
            if (col === undefined)
              throw new TickspaceError(
                'INVALID_ARGUMENT',
                `table '${tableName}' has no column '${column}' (columns: ${shape.columns.map((c) => c.name).join(', ')})`,
              );
            const value = parseValue(text, col);
            return (row: Readonly<Record<string, unknown>>) => {
              const c = compareValues(row[column], value);
              return op === '='
                ? c === 0
                : op === '!='
                  ? c !== 0
                  : op === '<'
                    ? c < 0
                    : op === '<='
                      ? c <= 0
                      : op === '>'
                        ? c > 0
                        : c >= 0;
            };
          });
          const tick = opts.asOf === undefined ? db.store.lastTick : parseTick(opts.asOf, '--as-of');
          const view = await db.asOf(tick);
          const rows = view.tables[tableName]!.iter();
          const hits = rows.filter((r) => tests.every((t) => t(r)));
          const limit = parseTick(opts.limit, '--limit');
          if (!opts.json)
            io.out(
              `${tableName} as of tick ${view.tick} (state hash ${view.stateHash}): ${hits.length} of ${rows.length} row(s)${hits.length > limit ? `, first ${limit} shown` : ''}`,
            );
          for (const row of hits.slice(0, limit)) io.out(opts.json ? toJson(row) : `  ${formatRow(row)}`);
        } finally {
          await db.close();
        }
      },
    );
}
