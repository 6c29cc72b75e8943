import type { ColumnShape } from '../../protocol/column-kinds';
import { TickspaceError } from '../../protocol/errors';
import { checkValue, normalizeValue } from '../../protocol/value-rules';
import type { WireReducer, WireSchema } from '../../protocol/wire-schema';
import { compileArgsValidator, type ArgsValidator } from '../args';
import type { ReducerContext, ReducerDef } from '../module';
import { columnShapes } from '../schema';

/** A reducer's body as the engine calls it. */
export type ReducerFn = (ctx: ReducerContext<any>, args: any) => unknown;

/** A reducer's declared return type, compiled once (see `ReducerOptions.returns`). */
export interface ReturnRule {
  /** The shape the value is logged and sent with. */
  readonly shape: ColumnShape;
  /** The value in its stored form (a whole-number float as the integer kind keeps it...). */
  normalize(value: unknown): unknown;
  /** @throws TickspaceError INVALID_RETURN naming the reducer and what the value should have been. */
  check(value: unknown): void;
  /**
   * Called when the reducer returned nothing: fine for an optional type (none), a fault for any
   * other (the caller awaits a value the declaration promises).
   * @throws TickspaceError INVALID_RETURN naming the reducer and the declared type.
   */
  requireValue(): void;
}

function compileReturnRule(def: ReducerDef): ReturnRule | undefined {
  const column = def.options.returns;
  if (column === undefined) return undefined;
  const shape = columnShapes({ returns: column })[0]!;
  const type = describeShape(shape);
  const fault = (message: string) =>
    new TickspaceError('INVALID_RETURN', `reducer '${def.name}' ${message}`, {
      details: { reducer: def.name },
    });
  return {
    shape,
    normalize: (value) => normalizeValue(shape, value),
    check: (value) => {
      const problem = checkValue(shape, value);
      if (problem !== undefined)
        throw fault(`returned a value that does not fit its returns (${type}): ${problem}`);
    },
    requireValue: () => {
      if (shape.kind !== 'optional') throw fault(`returned nothing, but it declares returns (${type})`);
    },
  };
}

const describeShape = (s: ColumnShape): string =>
  s.inner === undefined ? s.kind : `${s.kind}(${describeShape(s.inner)})`;

/**
 * One reducer, compiled once: the single place its name, wire id, function, argument validator
 * and argument codec live. Every way in (a client frame by id, an in-process call or a schedule by
 * name, a replayed log record) resolves to this entry and reads from it.
 */
export interface ReducerEntry {
  /** The wire id: the reducer's position in the module's reducer list (internal ones keep theirs). */
  readonly id: number;
  readonly name: string;
  readonly fn: ReducerFn;
  /** Only the server may call it: clients never see it, not even its name. */
  readonly internal: boolean;
  /** The engine's argument rules: a canonical copy or `INVALID_ARGUMENT`. */
  readonly validate: ArgsValidator;
  /**
   * The argument codec clients encode with and the session decodes with (its validator is
   * {@link validate}); undefined for an internal reducer, whose arguments never travel.
   */
  readonly wire: WireReducer | undefined;
  /** Its declared return type; undefined when it returns nothing. */
  readonly returns: ReturnRule | undefined;
  readonly def: ReducerDef;
}

/** Every reducer of one module version, by wire id and by name. */
export interface ReducerTable {
  /** Entries by wire id: `entries[id].id === id`. */
  readonly entries: readonly ReducerEntry[];
  byId(id: number): ReducerEntry | undefined;
  byName(name: string): ReducerEntry | undefined;
  /** Whether any reducer declares a return type: when none does, a call's result needs no lookup. */
  readonly anyReturns: boolean;
}

/**
 * Compiles a module's reducers into a table. Callable reducers share the wire schema's codec and
 * validator (compiled once, from the descriptor the clients receive); internal ones get their own
 * validator for scheduled and in-process calls.
 * @throws TickspaceError INVALID_SCHEMA for a duplicated name or one starting with `__` (the
 *   engine's lifecycle names).
 * @example
 * const table = compileReducerTable(module.reducers, wire);
 * table.byName('transfer')!.id; // -> 0
 */
export function compileReducerTable(reducers: readonly ReducerDef[], wire: WireSchema): ReducerTable {
  const byName = new Map<string, ReducerEntry>();
  const entries = reducers.map((def, id): ReducerEntry => {
    if (byName.has(def.name) || def.name.startsWith('__'))
      throw new TickspaceError('INVALID_SCHEMA', `reducer name '${def.name}' is duplicated or reserved`, {
        details: { reducer: def.name },
      });
    const internal = def.options.internal === true;
    const onWire = internal ? undefined : wire.reducer(id);
    if (!internal && onWire?.name !== def.name)
      throw new TickspaceError(
        'INVALID_SCHEMA',
        `reducer '${def.name}' (id ${id}) is not in the wire schema under that id`,
        { details: { reducer: def.name, id } },
      );
    const entry: ReducerEntry = Object.freeze({
      id,
      name: def.name,
      fn: def.fn as ReducerFn,
      internal,
      validate: onWire?.validate ?? compileArgsValidator(def.name, def.args),
      wire: onWire,
      returns: compileReturnRule(def),
      def,
    });
    byName.set(def.name, entry);
    return entry;
  });
  Object.freeze(entries);
  return Object.freeze({
    entries,
    byId: (id: number) => entries[id],
    byName: (name: string) => byName.get(name),
    anyReturns: entries.some((e) => e.returns !== undefined),
  });
}
