import {
  ReducerError,
  SERVER_IDENTITY,
  t,
  type Db,
  type ReducerContext,
  type ReducerDef,
  type Schema,
  type Tables,
} from '../engine';
import type { GhostHandoffHooks } from './ghost-reducers';
import { DEFAULT_MAX_HANDOFF_BYTES } from './handoff-messages';
import { HANDOFF_OUTCOME, decodePayload, encodePayload, type HandoffTables } from './handoff-tables';

/** What a module tells the kit about its travelling entities. */
export interface HandoffOptions<T extends Tables> {
  /** This region's name (letters, digits, _ and -). */
  readonly region: string;
  /**
   * Removes every row that travels with `entity` and returns them (JSON values and bigints).
   * Runs inside `handoff_out`'s transaction: a throw (a ReducerError to refuse) keeps everything.
   */
  pack(ctx: ReducerContext<T>, entity: string): Record<string, unknown>;
  /**
   * Inserts what `pack` returned, in the receiver. A ReducerError rejects the handoff (full,
   * closed, unknown content): the receiver records the refusal and the sender takes the entity back.
   */
  unpack(ctx: ReducerContext<T>, entity: string, payload: Record<string, unknown>): void;
  /** Puts a rejected entity back in the sender. @default unpack */
  restore?(ctx: ReducerContext<T>, entity: string, payload: Record<string, unknown>): void;
  /** A handoff whose payload is larger is refused by `handoff_out` (nothing leaves). @default 512 KiB */
  readonly maxHandoffBytes?: number;
  /**
   * The region's ghost kit (`ghostKit(...).hooks`), when it mirrors border rows: an entity that
   * leaves stays here as a ghost of its new owner under the same id (no despawn for a client
   * watching it), an arrival or a take-back replaces the entity's ghost in the same transaction,
   * and a ghost cannot be handed off (NOT_HERE). @default none
   */
  readonly ghosts?: GhostHandoffHooks;
}

/** The kit's reducer names, as the relay calls them. */
export const HANDOFF_REDUCERS = {
  OUT: 'handoff_out',
  IN: 'handoff_in',
  REJECT: 'handoff_reject',
  DONE: 'handoff_done',
} as const;

const kit = (ctx: ReducerContext<any>) => ctx.db as unknown as Db<HandoffTables>;

function serverOnly(ctx: ReducerContext<any>): void {
  if (ctx.sender !== SERVER_IDENTITY)
    throw new ReducerError('FORBIDDEN', `${ctx.reducer} is called by the region relay, not by clients`);
}

/**
 * The handoff reducers for a module whose schema includes {@link handoffTables}:
 * - `handoff_out(entity, to)`: packs and removes the entity, writes an outbox row and a tombstone, in one transaction;
 * - `handoff_in(...)`: applies a handoff once (the applied-id set), or does nothing for a duplicate;
 * - `handoff_reject(...)`: records a refusal, so a duplicate gets the same answer;
 * - `handoff_done(from, id, outcome)`: the sender deletes its outbox row (and takes a rejected entity back).
 *
 * The module (or a schedule of it) calls `handoff_out`; the relay calls the others.
 * @example
 * const schema = createSchema({ ...myTables, ...handoffTables() });
 * const module = defineModule(schema, { reducers: [...mine, ...handoffReducers(schema, { region: 'west', pack, unpack })] });
 */
export function handoffReducers<T extends Tables>(
  schema: Schema<T>,
  options: HandoffOptions<T>,
): readonly ReducerDef<string, any, T>[] {
  const maxBytes = options.maxHandoffBytes ?? DEFAULT_MAX_HANDOFF_BYTES;
  const restore = options.restore ?? options.unpack;
  const ghosts = options.ghosts;

  const out = schema.reducer(
    HANDOFF_REDUCERS.OUT,
    { entity: t.string(), to: t.string() },
    (ctx, { entity, to }) => {
      serverOnly(ctx);
      const db = kit(ctx);
      if (to === options.region) throw new ReducerError('INVALID_ARGUMENT', `${entity} is already in ${to}`);
      if (db.ts_outbox.filter('entity', entity).length > 0)
        throw new ReducerError('IN_TRANSIT', `${entity} is already on its way out of ${options.region}`);
      const moved = db.ts_moved.find(entity);
      if (moved !== undefined && !db.ts_resident.has(entity))
        throw new ReducerError(
          'NOT_HERE',
          `${entity} left ${options.region} for ${moved.to} at epoch ${moved.epoch}`,
        );
      if (ghosts?.isGhost(ctx, entity))
        throw new ReducerError(
          'NOT_HERE',
          `${entity} is a ghost in ${options.region}: its owner hands it over`,
        );
      const mirrored = ghosts?.rowOf(ctx, entity);
      const payload = encodePayload(options.pack(ctx, entity));
      // Measured on the payload alone: the envelope adds a few hundred bytes at most.
      const bytes = Buffer.byteLength(payload);
      if (bytes > maxBytes)
        throw new ReducerError(
          'INVALID_HANDOFF',
          `${entity}: what travels is ${bytes} bytes, over maxHandoffBytes (${maxBytes}); it stays in ${options.region}`,
        );
      const epoch = (db.ts_resident.find(entity)?.epoch ?? 0) + 1;
      const seq = db.ts_handoff_seq.find(0) ?? db.ts_handoff_seq.insert({ id: 0, next: 1 });
      db.ts_handoff_seq.update({ id: 0, next: seq.next + 1 });
      db.ts_outbox.insert({ id: seq.next, to, entity, epoch, payload });
      db.ts_resident.delete(entity);
      if (db.ts_moved.has(entity)) db.ts_moved.update({ entity, to, epoch });
      else db.ts_moved.insert({ entity, to, epoch });
      if (mirrored !== undefined) ghosts!.keep(ctx, mirrored, to);
    },
  );

  const handoffArgs = {
    from: t.string(),
    id: t.u32(),
    floor: t.u32(),
    entity: t.string(),
    epoch: t.u32(),
    payload: t.string(),
  };

  /** Raises the sender's floor and forgets applied ids below it; returns whether `id` is below it. */
  const advanceFloor = (db: Db<HandoffTables>, from: string, id: number, floor: number): boolean => {
    const known = db.ts_inbox_floor.find(from);
    if (known === undefined) db.ts_inbox_floor.insert({ from, floor });
    else if (floor > known.floor) db.ts_inbox_floor.update({ from, floor });
    const effective = Math.max(floor, known?.floor ?? 0);
    // Only a raised floor can leave rows below it: no id below the floor is ever inserted.
    if (known !== undefined && floor > known.floor)
      for (const row of db.ts_inbox.iter())
        if (row.from === from && row.id < effective) db.ts_inbox.delete([from, row.id]);
    return id < effective;
  };

  const handoffIn = schema.reducer(HANDOFF_REDUCERS.IN, handoffArgs, (ctx, args) => {
    serverOnly(ctx);
    const db = kit(ctx);
    if (advanceFloor(db, args.from, args.id, args.floor)) return;
    if (db.ts_inbox.has([args.from, args.id])) return;
    let payload: Record<string, unknown>;
    try {
      payload = decodePayload(args.payload);
    } catch (error) {
      throw new ReducerError('INVALID_HANDOFF', `${args.entity} from ${args.from}: payload is not JSON`, {
        cause: error,
      });
    }
    ghosts?.drop(ctx, args.entity);
    options.unpack(ctx, args.entity, payload);
    db.ts_inbox.insert({
      from: args.from,
      id: args.id,
      entity: args.entity,
      epoch: args.epoch,
      outcome: HANDOFF_OUTCOME.APPLIED,
      code: '',
      message: '',
    });
    if (db.ts_resident.has(args.entity)) db.ts_resident.update({ entity: args.entity, epoch: args.epoch });
    else db.ts_resident.insert({ entity: args.entity, epoch: args.epoch });
    db.ts_moved.delete(args.entity);
  });

  const reject = schema.reducer(
    HANDOFF_REDUCERS.REJECT,
    { ...handoffArgs, code: t.string(), message: t.string() },
    (ctx, args) => {
      serverOnly(ctx);
      const db = kit(ctx);
      if (advanceFloor(db, args.from, args.id, args.floor)) return;
      if (db.ts_inbox.has([args.from, args.id])) return;
      db.ts_inbox.insert({
        from: args.from,
        id: args.id,
        entity: args.entity,
        epoch: args.epoch,
        outcome: HANDOFF_OUTCOME.REJECTED,
        code: args.code,
        message: args.message,
      });
    },
  );

  const done = schema.reducer(
    HANDOFF_REDUCERS.DONE,
    { from: t.string(), id: t.u32(), outcome: t.string() },
    (ctx, { from, id, outcome }) => {
      serverOnly(ctx);
      const db = kit(ctx);
      const row = db.ts_outbox.find(id);
      // Idempotent: a second answer finds nothing to do. An answer from a region this id did not go to is not one.
      if (row === undefined || row.to !== from) return;
      db.ts_outbox.delete(id);
      if (outcome === HANDOFF_OUTCOME.REJECTED) {
        ghosts?.drop(ctx, row.entity);
        restore(ctx, row.entity, decodePayload(row.payload));
        db.ts_moved.delete(row.entity);
        db.ts_resident.insert({ entity: row.entity, epoch: row.epoch });
      }
    },
  );

  return [out, handoffIn, reject, done] as unknown as readonly ReducerDef<string, any, T>[];
}
