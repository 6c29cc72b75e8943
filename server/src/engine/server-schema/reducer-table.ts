import { TickspaceError } from '../../protocol/errors';
import type { WireReducer, WireSchema } from '../../protocol/wire-schema';
import { compileArgsValidator, type ArgsValidator } from '../args';
import type { ReducerContext, ReducerDef } from '../module';

/** A reducer's body as the engine calls it. */
export type ReducerFn = (ctx: ReducerContext<any>, args: any) => void;

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
  readonly def: ReducerDef;
}

/** Every reducer of one module version, by wire id and by name. */
export interface ReducerTable {
  /** Entries by wire id: `entries[id].id === id`. */
  readonly entries: readonly ReducerEntry[];
  byId(id: number): ReducerEntry | undefined;
  byName(name: string): ReducerEntry | undefined;
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
  });
}
