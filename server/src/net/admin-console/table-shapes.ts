import { logSchemaOf } from '../../engine/tooling';
import { TickspaceError } from '../../protocol';
import type { ColumnShape } from '../../protocol/column-kinds';
import type { ConsoleContext } from './console-context';

/** A table as the console describes it: its columns (name and type) and primary key. */
export interface ConsoleTableShape {
  readonly name: string;
  readonly columns: readonly ColumnShape[];
  readonly primaryKey: readonly string[];
}

/** The live module's tables, system tables included, in table-id order. */
export function tableShapes(ctx: ConsoleContext): readonly ConsoleTableShape[] {
  return logSchemaOf(ctx.engine).tables;
}

/**
 * The shape of table `name` in the live module.
 * @throws TickspaceError UNKNOWN_TABLE (404) listing the tables there are
 */
export function tableShape(ctx: ConsoleContext, name: string): ConsoleTableShape {
  const all = tableShapes(ctx);
  const shape = all.find((t) => t.name === name);
  if (shape === undefined)
    throw new TickspaceError(
      'UNKNOWN_TABLE',
      `no table named '${name}' (tables: ${all.map((t) => t.name).join(', ')})`,
      { details: { table: name, status: 404 } },
    );
  return shape;
}

/**
 * The commit log, or 501 when the server keeps none.
 * @throws TickspaceError NOT_IMPLEMENTED (501)
 */
export function historyOf(ctx: ConsoleContext, route: string) {
  if (ctx.history === undefined)
    throw new TickspaceError(
      'NOT_IMPLEMENTED',
      `${route}: this server keeps no commit log (start it with one: createServer({ admin: databaseAdmin(db) }), as tickspace serve does)`,
      { details: { status: 501 } },
    );
  return ctx.history;
}
