import { BinaryWriter } from '../../protocol/binary-writer';
import { TickspaceError } from '../../protocol/errors';
import {
  PROTOCOL_VERSION,
  RESET_REASON,
  RESET_REASON_VERSION,
  type ResetReason,
} from '../../protocol/message-types';
import type { Query } from '../../protocol/query';
import { encodeSchemaChange, encodeSchemaHead } from '../../protocol/schema-change';
import { encodeReset, encodeSubscribed, encodeUnsubscribed } from '../../protocol/server-messages';
import type { WireSchema } from '../../protocol/wire-schema';
import type { AnyRow } from '../change-set';
import { RESTORE_REASON, type Engine, type Logger, type TickRecord } from '../engine';
import type { Identity } from '../identity';
import type { ModuleDef } from '../module';
import type { ServerSchema } from '../server-schema';
import { mapKey } from '../values';
import { attachQuery, rebuildView } from './client-queries';
import { ClientState, type SubscriberSink } from './client-view';
import { dirtyLagging, dirtyOf, writeCatchUpFrame } from './congestion';
import { FramePool } from './frame-pool';
import { Outbox } from './outbox';
import { TABLE_PASSES, type QueryTables } from './query-builder';
import { TableState, type LiveQuery } from './queries';
import { flushLagging, movedQuery } from './spatial-pass';
import type { SpatialQuery } from './spatial-query';
import { TableTick } from './tick-changes';
import {
  changedTables,
  finishClient,
  migrateClient,
  MigrationBudget,
  unwatchedTables,
  type DeferredClient,
} from './schema-migration';
import type { SubscriptionCharge, SubscriptionOptions, SubscriptionStats } from './subscription-options';
import { DEFAULT_VISIBILITY_BUDGET_MS, VisibilityGuard } from './visibility-guard';

export type {
  SubscriptionCharge,
  SubscriptionCost,
  SubscriptionOptions,
  SubscriptionStats,
} from './subscription-options';

/**
 * Live subscriptions over an engine, maintained incrementally from each tick's change set.
 *
 * Per tick (in a commit hook, where the tables hold exactly that tick's state): the changes are
 * collapsed to one net change per row; whole-table and equality queries are woken through their
 * table and index-value maps, spatial queries through the grid cells their area covers (cell to
 * queries), followed rows move their queries' areas. Each cell's in-place updates, each table's
 * whole section and each changed row are encoded once and shared: a client's frame is shared
 * chunks plus its own entering and leaving rows. Frames go out in the fan-out hook, so a client
 * only ever sees committed ticks, one frame per client per tick.
 */
export class Subscriptions {
  #schema: ServerSchema;
  #wire: WireSchema;
  readonly #engine: Engine<ModuleDef>;
  #states: (TableState | undefined)[] = [];
  #byName = new Map<string, TableState>();
  /** A runtime migration's work for its tick: the queries rebuilt then, the RESETs sent then. */
  #migration: { readonly tick: number; readonly clients: DeferredClient[] } | undefined;
  readonly #clients = new Map<number, ClientState>();
  readonly #congested = new Set<ClientState>();
  readonly #arena = new BinaryWriter(1 << 16);
  readonly #frame = new BinaryWriter(1 << 12);
  readonly #touched: ClientState[] = [];
  readonly #outbox: Outbox;
  readonly #guard: VisibilityGuard;
  /** The visibility budget of a migration's re-subscriptions (see MigrationBudget). */
  readonly #migrationBudget: MigrationBudget;
  readonly #maxSubs: number;
  readonly #high: number;
  readonly #low: number;
  readonly #maxCongestedTicks: number;
  readonly #onLimit: (handle: number, sink: SubscriberSink) => void;
  readonly #logger: Logger;
  readonly #unhook: (() => void)[];
  readonly #frames = new FramePool();
  /** Lookups a query under construction needs (a followed table, the cell limit). */
  readonly #queryTables: QueryTables;
  #nextHandle = 1;
  #queryCount = 0;
  #chunks = 0;
  #rows = 0;
  #subscribedRows = 0;
  #lastMs = 0;

  constructor(engine: Engine<ModuleDef>, options: SubscriptionOptions = {}) {
    this.#engine = engine;
    this.#logger = options.logger ?? console;
    this.#guard = new VisibilityGuard(
      options.visibilityBudgetMs ?? DEFAULT_VISIBILITY_BUDGET_MS,
      this.#logger,
    );
    this.#migrationBudget = new MigrationBudget(this.#guard);
    this.#schema = options.schema ?? engine.schema;
    this.#wire = this.#schema.wire;
    this.#adopt(this.#schema);
    this.#maxSubs = options.maxSubscriptionsPerClient ?? 64;
    this.#queryTables = {
      table: (name) => this.#table(name),
      maxCells: options.maxQueryCells ?? 4096,
      maxLodEvery: options.maxLodEvery ?? 20,
    };
    this.#high = options.highWatermarkBytes ?? 1_048_576;
    this.#low = options.lowWatermarkBytes ?? 262_144;
    this.#maxCongestedTicks = options.maxCongestedTicks ?? 200;
    this.#onLimit = options.onCongestionLimit ?? (() => {});
    this.#outbox = new Outbox(engine.tick);
    this.#unhook = [
      engine.onCommit((record) => this.#process(record)),
      engine.onTick((record) => this.#outbox.flush(record.tick)),
      // The tables were replaced wholesale: every client learns why and gets its view again.
      engine.onRestore((event) =>
        this.resyncAll(
          event.reason === RESTORE_REASON.REWIND ? RESET_REASON.REWIND : RESET_REASON.RECOVERY,
          event.stateOfTick,
        ),
      ),
    ];
  }

  /** The schema this engine serves (its public tables, their codecs); a runtime migration replaces it. */
  get schema(): ServerSchema {
    return this.#schema;
  }

  /** Builds the table states of `schema` over the engine's current tables. */
  #adopt(schema: ServerSchema): void {
    const engine = this.#engine;
    const states: (TableState | undefined)[] = [];
    const byName = new Map<string, TableState>();
    for (const t of schema.wire.tables) {
      if (engine.tableList[t.id]?.name !== t.name)
        throw new TickspaceError(
          'INVALID_SCHEMA',
          `schema version ${schema.version} has table '${t.name}' as id ${t.id}; the engine's table ${t.id} is '${engine.tableList[t.id]?.name ?? '(none)'}'`,
          { details: { table: t.name, tableId: t.id } },
        );
      const st = new TableState(engine.tableList[t.id]!, t, this.#guard);
      states[t.id] = st;
      byName.set(t.name, st);
    }
    this.#guard.active = states.some((st) => st?.rule !== undefined);
    this.#schema = schema;
    this.#wire = schema.wire;
    this.#states = states;
    this.#byName = byName;
  }

  /**
   * A runtime migration's boundary, called with the new schema once the engine's new tables are in
   * place and before the tick's calls run. Every client is sent SCHEMA after every frame in the old
   * shape: its queries on removed tables (or on a column, index or followed table that is gone) end
   * there, its queries on unchanged tables carry over without a frame, and the tables the
   * migration changed (see {@link migrateClient}) are rebuilt from the tick's state and re-sent as a
   * RESET after that tick's update, so no frame in the new shape precedes the SCHEMA. Clients that
   * cannot read SCHEMA (protocol version 3 and older) are the caller's to close first.
   * @param reshaped tables whose rows the migration rewrote (their wire shape may be unchanged)
   */
  migrate(schema: ServerSchema, reshaped: readonly string[]): void {
    const before = this.#wire;
    const pending = new Map<ClientState, DeferredClient>();
    for (const d of this.#migration?.clients ?? []) pending.set(d.client, d);
    const oldNames = new Map<number, string>();
    for (const st of this.#states) if (st !== undefined) oldNames.set(st.store.id, st.store.name);
    this.#adopt(schema);
    const changed = changedTables(before, schema.wire, reshaped);
    const head = encodeSchemaHead(schema.version, schema.descriptor);
    const lookups = {
      ...this.#queryTables,
      table: (name: string) => this.#table(name),
      byName: (name: string) => this.#byName.get(name),
      version: schema.version,
      within: this.#migrationBudget.within,
    };
    const deferred: DeferredClient[] = [];
    this.#queryCount = 0;
    for (const client of this.#clients.values()) {
      const earlier = pending.get(client);
      const specs = [...client.specs, ...(earlier?.queries ?? [])].sort((a, b) => a[0] - b[0]);
      // Tables an earlier migration of this tick still owes a RESET are re-sent by this one.
      const forced = new Set<string>();
      for (const id of earlier?.resetTableIds ?? []) forced.add(oldNames.get(id) ?? '');
      const unwatched = unwatchedTables(client, oldNames, this.#byName);
      client.queries.clear();
      client.specs.clear();
      client.tables.clear();
      const m = migrateClient(client, specs, changed, forced, lookups);
      for (const id of unwatched)
        if (!m.deferred.resetTableIds.includes(id)) m.deferred.resetTableIds.push(id);
      client.dirty.clear();
      client.congestedSince = -1;
      this.#congested.delete(client);
      this.#queryCount += m.attached;
      this.#deliver(client, encodeSchemaChange(head, m.deferred.resetTableIds, m.ended));
      if (m.deferred.resetTableIds.length > 0) deferred.push(m.deferred);
    }
    this.#migration = { tick: this.#engine.tick + 1, clients: deferred };
  }

  /** The migration's tick has committed: its waiting queries are built on that state and RESET. */
  #finishMigration(tick: number): void {
    const m = this.#migration;
    if (m === undefined || tick < m.tick) return;
    this.#migration = undefined;
    for (const d of m.clients) {
      if (d.client.removed) continue;
      const table = (name: string) => this.#table(name);
      const out = finishClient(d, tick, this.#wire, table, this.#queryTables, this.#migrationBudget);
      this.#queryCount += out.attached;
      for (const frame of out.frames) this.#queue(tick, d.client, frame);
    }
    // A rule the migration's walks stopped hides its rows from now on: they leave every cache.
    if (this.#migrationBudget.takeStopped()) this.resyncAll();
  }

  /** Registers a subscriber; returns its handle. */
  addClient(identity: Identity, sink: SubscriberSink): number {
    const handle = this.#nextHandle++;
    this.#clients.set(handle, new ClientState(handle, identity, sink, (c) => this.#touched.push(c)));
    return handle;
  }

  /** Drops a subscriber and everything it subscribed; frames not yet sent to it are discarded. */
  removeClient(handle: number): void {
    const client = this.#clients.get(handle);
    if (client === undefined) return;
    for (const q of client.queries.values()) this.#unregister(q);
    client.queries.clear();
    client.specs.clear();
    client.tables.clear();
    client.removed = true;
    this.#congested.delete(client);
    this.#clients.delete(handle);
  }

  #client(handle: number): ClientState {
    const c = this.#clients.get(handle);
    if (c === undefined)
      throw new TickspaceError('DISCONNECTED', `no subscriber with handle ${handle}`, {
        details: { handle },
      });
    return c;
  }

  #table(name: string): TableState {
    const st = this.#byName.get(name);
    if (st === undefined)
      throw new TickspaceError('UNKNOWN_TABLE', `no public table named '${name}'`, {
        details: { table: name },
      });
    return st;
  }

  #unregister(q: LiveQuery): void {
    q.unregister();
    this.#queryCount--;
  }

  /**
   * Adds a query for a client and sends it SUBSCRIBED with the rows the query adds to its cache
   * (after every frame of earlier ticks, so the client never sees state out of order). `charge`
   * is asked what the query costs before anything changes or is encoded, and may refuse it.
   * @throws TickspaceError UNKNOWN_TABLE, UNKNOWN_INDEX, INVALID_QUERY, INVALID_ARGUMENT, TOO_MANY_SUBSCRIPTIONS, DISCONNECTED, or what `charge` throws
   * @example
   * subs.subscribe(handle, 1, { table: 'entity', follow: { table: 'entity', key: myId, radius: 100, exitRadius: 120 } });
   */
  subscribe(handle: number, queryId: number, query: Query, charge?: SubscriptionCharge): void {
    const client = this.#client(handle);
    if (client.queries.has(queryId))
      throw new TickspaceError('INVALID_QUERY', `query id ${queryId} is already in use`, {
        details: { queryId },
      });
    if (client.queries.size >= this.#maxSubs)
      throw new TickspaceError(
        'TOO_MANY_SUBSCRIPTIONS',
        `a client may hold at most ${this.#maxSubs} subscriptions (maxSubscriptionsPerClient)`,
        {
          details: { maxSubscriptionsPerClient: this.#maxSubs },
        },
      );
    const st = this.#table(query.table);
    const added = attachQuery(client, queryId, query, st, this.#queryTables, charge, this.#within);
    this.#queryCount++;
    this.#subscribedRows += added.length;
    const frame = encodeSubscribed(this.#wire, queryId, this.#engine.tick, [
      { tableId: st.store.id, deletes: [], inserts: added, updates: [] },
    ]);
    this.#deliver(client, frame);
  }

  /**
   * Removes a query and sends UNSUBSCRIBED with the keys that leave the client's cache. `charge`
   * learns what it costs (the query's rows, found) before anything changes.
   * @throws TickspaceError NOT_FOUND if the client holds no such query; DISCONNECTED; what `charge` throws
   */
  unsubscribe(handle: number, queryId: number, charge?: SubscriptionCharge): void {
    const client = this.#client(handle);
    const q = client.queries.get(queryId);
    if (q === undefined)
      throw new TickspaceError('NOT_FOUND', `no subscription with id ${queryId}`, { details: { queryId } });
    const ct = q.ct;
    const store = q.table.store;
    // Only a visibility rule makes the walk module code worth timing (see attachQuery).
    const members = q.table.rule === undefined ? q.memberRows() : this.#walk(() => q.memberRows());
    const keys = members.map((r) => store.keyOf(r));
    charge?.({ rows: keys.length, cells: 0 });
    this.#unregister(q);
    client.queries.delete(queryId);
    client.specs.delete(queryId);
    ct.queries.splice(ct.queries.indexOf(q), 1);
    ct.refresh();
    let gone: unknown[] = keys;
    if (ct.refs !== undefined) {
      gone = [];
      for (const key of keys) {
        const mk = mapKey(key);
        const n = (ct.refs.get(mk) ?? 0) - 1;
        if (n > 0) ct.refs.set(mk, n);
        else {
          ct.refs.delete(mk);
          gone.push(key);
        }
      }
      if (ct.queries.length <= 1) ct.refs = undefined;
    }
    if (ct.queries.length === 0) client.tables.delete(store.id);
    this.#deliver(
      client,
      encodeUnsubscribed(this.#wire, queryId, this.#engine.tick, [
        { tableId: store.id, deletes: gone, inserts: [], updates: [] },
      ]),
    );
  }

  /**
   * Rebuilds every query from the current tables and sends every client a RESET of its tables,
   * naming `reason` to clients that speak version 3. Runs by itself on the engine's restore event
   * (recovery, a rewind); the subscriptions also use it when their own bookkeeping fails.
   */
  resyncAll(reason: ResetReason = RESET_REASON.RESYNC, stateOfTick: number = this.#engine.tick): void {
    const cause = { reason, stateOfTick };
    // The rebuild runs the visibility rules, under their budget, and changes nothing else: a stop
    // starts it over (the stopped rule now hides its rows; with no rule running, untimed).
    const views = new Map<ClientState, { tableId: number; rows: AnyRow[] }[]>();
    const rebuild = () => {
      for (const client of this.#clients.values()) {
        for (const q of client.queries.values()) q.resync();
        const tables: { tableId: number; rows: AnyRow[] }[] = [];
        for (const ct of client.tables.values())
          tables.push({ tableId: ct.table.store.id, rows: rebuildView(ct) });
        views.set(client, tables);
      }
    };
    for (let timed = true; ;) {
      const stop: TableState | null | undefined = timed ? this.#guard.run(rebuild) : void rebuild();
      if (stop === undefined) break;
      timed = stop !== null;
    }
    for (const [client, tables] of views) {
      // A table the client stopped watching while congested may still hold rows in its cache:
      // changes coalesced then never reached it, and its UNSUBSCRIBED removed only the rows the
      // query held by then. The dirty set is the only record of them, so before it is dropped
      // the RESET empties those tables.
      for (const tableId of client.dirty.keys())
        if (!client.tables.has(tableId)) tables.push({ tableId, rows: [] });
      client.dirty.clear();
      client.congestedSince = -1;
      this.#congested.delete(client);
      const version = client.sink.protocolVersion ?? PROTOCOL_VERSION;
      this.#deliver(
        client,
        encodeReset(
          this.#wire,
          this.#engine.tick,
          tables,
          version >= RESET_REASON_VERSION ? cause : undefined,
        ),
      );
    }
  }

  /** Counters for metrics. */
  stats(): SubscriptionStats {
    return {
      clients: this.#clients.size,
      queries: this.#queryCount,
      congestedClients: this.#congested.size,
      framesSent: this.#outbox.framesSent,
      bytesSent: this.#outbox.bytesSent,
      chunksEncoded: this.#chunks,
      rowsEncoded: this.#rows,
      subscribedRows: this.#subscribedRows,
      lastFanoutMs: this.#lastMs,
      stoppedVisibilityRules: [...this.#guard.stopped.keys()],
    };
  }

  /**
   * Bytes of a client's frames waiting in the engine for their tick's fan-out (a SUBSCRIBED built
   * while a tick is being made durable): queued towards the client, not yet handed to its sink.
   */
  queuedBytes(handle: number): number {
    return this.#clients.get(handle)?.queuedBytes ?? 0;
  }

  /** Whether a client's updates are being coalesced because its buffer is over the high watermark. */
  isCongested(handle: number): boolean {
    return (this.#clients.get(handle)?.congestedSince ?? -1) >= 0;
  }

  /** The last tick whose frames have been handed to the sinks. */
  get fannedOutTick(): number {
    return this.#outbox.fannedOut;
  }

  /** Unhooks from the engine. */
  dispose(): void {
    for (const u of this.#unhook) u();
  }

  // ---- delivery ---------------------------------------------------------------------------

  #deliver(client: ClientState, frame: Uint8Array): void {
    this.#outbox.deliver(this.#engine.tick, client, frame);
  }

  #queue(tick: number, client: ClientState, frame: Uint8Array): void {
    this.#outbox.queue(tick, client, frame);
  }

  /** Runs a subscribe's walks under the visibility budget (see VisibilityGuard.within). */
  readonly #within = <R>(walk: () => R): R => this.#guard.within(walk, () => this.resyncAll());

  /** Runs an unsubscribe's walk under the visibility budget (see VisibilityGuard.retrying). */
  #walk<R>(walk: () => R): R {
    return this.#guard.retrying(walk, () => this.resyncAll());
  }

  // ---- the tick ---------------------------------------------------------------------------

  #process(record: TickRecord): void {
    try {
      const stop = this.#guard.run(() => this.#run(record));
      // Stopped half done, like a failure: rebuilt from the tables (the stopped rule now hides its rows).
      if (stop !== undefined) {
        if (stop === null) this.#logger.warn(`tick ${record.tick}: ${this.#guard.messageFor('')}; resyncing`);
        this.#touched.length = 0;
        this.resyncAll();
      }
    } catch (error) {
      // Half-applied bookkeeping cannot be trusted: rebuild from the tables and reset every client.
      this.#logger.error(`subscriptions failed at tick ${record.tick}; resyncing every client`, error);
      this.#touched.length = 0;
      this.resyncAll();
    }
    if (this.#migration !== undefined) this.#finishMigration(record.tick);
  }

  #run(record: TickRecord): void {
    const started = performance.now();
    const tick = record.tick;
    const arena = this.#arena.reset();
    const tts = new Map<number, TableTick>();
    const ttFor = (st: TableState): TableTick => {
      let tt = tts.get(st.store.id);
      if (tt === undefined) tts.set(st.store.id, (tt = new TableTick(tick, st.store, st.wire, arena)));
      return tt;
    };
    const changes = record.changes;
    for (let i = 0; i < changes.length; i++) {
      const op = changes[i]!;
      const st = this.#states[op.tableId];
      if (st === undefined || !st.active) continue;
      ttFor(st).add(op);
    }
    for (const tt of tts.values()) tt.finish();

    const moved: SpatialQuery[] = [];
    for (const tt of tts.values()) {
      const st = this.#states[tt.store.id]!;
      if (st.followers.size === 0) continue;
      for (const c of tt.list) {
        const qs = st.followers.get(c.mk);
        if (qs === undefined) continue;
        for (const q of qs) {
          const first = !q.moved;
          if (q.recenter(c.new) && first) moved.push(q);
        }
      }
    }
    const movedBy = new Map<TableState, SpatialQuery[]>();
    for (const q of moved) {
      q.prepareMove();
      const list = movedBy.get(q.table);
      if (list === undefined) movedBy.set(q.table, [q]);
      else list.push(q);
    }

    for (const st of this.#states) {
      if (st === undefined) continue;
      const tt = tts.get(st.store.id);
      const mv = movedBy.get(st);
      if (tt === undefined && mv === undefined) continue;
      const t = tt ?? ttFor(st);
      if (t.list.length > 0) for (let i = 0; i < TABLE_PASSES.length; i++) TABLE_PASSES[i]!(st, t);
      if (mv !== undefined) for (const q of mv) movedQuery(q, t);
    }
    // Levels of detail: lagging rows that are near now, or whose band refreshes, catch up.
    for (const st of this.#states) {
      if (st === undefined || st.lod.size === 0) continue;
      for (const q of st.lod) {
        const step = q.moved ? Math.hypot(q.cx - q.pcx, q.cy - q.pcy) : 0;
        if (q.lod!.walkDue(tick, step)) flushLagging(q, ttFor(st));
      }
    }
    for (const q of moved) q.settle();
    for (const tt of tts.values()) {
      this.#chunks += tt.encodedChunks;
      this.#rows += tt.encodedRows;
    }
    this.#emitFrames(tick);
    this.#lastMs = performance.now() - started;
  }

  #emitFrames(tick: number): void {
    const touched = this.#touched;
    // Finishing multi-query views may encode rows: every arena write happens before the view is taken.
    for (let i = 0; i < touched.length; i++) for (const ct of touched[i]!.touched) ct.finish();
    const view = this.#arena.view();
    const shared = new Map<string, Uint8Array>();
    for (let i = 0; i < touched.length; i++) {
      const client = touched[i]!;
      if (client.removed) continue;
      if (client.congestedSince < 0 && client.sink.bufferedAmount + client.queuedBytes > this.#high) {
        client.congestedSince = tick;
        this.#congested.add(client);
      }
      if (client.congestedSince >= 0) {
        for (const ct of client.touched) ct.collectDirty(dirtyOf(client, ct.table.store.id));
        continue;
      }
      // Clients whose frame is only whole-table sections get the very same bytes.
      let signature: string | undefined = '';
      for (const ct of client.touched) {
        if (!ct.hasOutput) continue;
        if (ct.whole === undefined) {
          signature = undefined;
          break;
        }
        signature += ct.table.store.id + ',';
      }
      let frame = signature === undefined ? undefined : shared.get(signature);
      if (frame === undefined) {
        if (!client.writeTickFrame(this.#frame, tick, view)) continue;
        frame = this.#frames.copy(this.#frame.view());
        if (signature !== undefined) shared.set(signature, frame);
      }
      this.#queue(tick, client, frame);
    }
    touched.length = 0;
    for (const client of this.#congested) this.#checkCongested(client, tick);
  }

  #checkCongested(client: ClientState, tick: number): void {
    if (client.sink.bufferedAmount + client.queuedBytes <= this.#low) {
      dirtyLagging(client);
      this.#queue(tick, client, writeCatchUpFrame(this.#frame.reset(), client, tick, this.#states));
      client.dirty.clear();
      client.congestedSince = -1;
      client.limitReported = false;
      this.#congested.delete(client);
    } else if (tick - client.congestedSince > this.#maxCongestedTicks && !client.limitReported) {
      client.limitReported = true;
      this.#onLimit(client.handle, client.sink);
    }
  }
}

/**
 * Creates the subscription engine of an engine and hooks it into the engine's commit and
 * fan-out. One per engine.
 * @example
 * const subs = createSubscriptions(engine, { highWatermarkBytes: 1 << 20 });
 * const handle = subs.addClient(identity, { bufferedAmount: 0, send: (frame) => socket.send(frame) });
 * subs.subscribe(handle, 1, { table: 'entity', near: { x: 0, y: 0, radius: 50 } });
 */
export function createSubscriptions(
  engine: Engine<ModuleDef>,
  options: SubscriptionOptions = {},
): Subscriptions {
  return new Subscriptions(engine, options);
}
