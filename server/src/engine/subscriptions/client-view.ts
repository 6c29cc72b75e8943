import type { BinaryWriter } from '../../protocol/binary-writer';
import { SERVER_MESSAGE } from '../../protocol/message-types';
import type { Query } from '../../protocol/query';
import type { AnyRow } from '../change-set';
import type { Identity } from '../identity';
import type { LiveQuery, TableState } from './queries';
import type { CellChunk, NetChange, TableTick } from './tick-changes';

/** Where a subscriber's frames go: a session, a test harness, a benchmark's counting sink. */
export interface SubscriberSink {
  /** Bytes queued towards the client and not yet sent: the backpressure signal. */
  readonly bufferedAmount: number;
  /** Sends one binary frame. */
  send(frame: Uint8Array): void;
  /** The protocol version the client speaks (decides a RESET's layout). @default PROTOCOL_VERSION */
  readonly protocolVersion?: number;
}

/**
 * Empties arrays that are refilled every tick. Popping keeps the backing store and stays in
 * optimized code, where `length = 0` is a runtime call per array per client per tick.
 */
function empty(a: unknown[]): void {
  while (a.length > 0) a.pop();
}

/** Insertion sort by integer key: a client's updates come in a few already sorted runs, one per cell. */
function sortByIntKey(ups: NetChange[]): void {
  for (let i = 1; i < ups.length; i++) {
    const c = ups[i]!;
    const k = c.key as number;
    let j = i - 1;
    while (j >= 0 && (ups[j]!.key as number) > k) {
      ups[j + 1] = ups[j]!;
      j--;
    }
    ups[j + 1] = c;
  }
}

interface Touch {
  before: number;
  key: unknown;
  row: AnyRow | undefined;
  change: NetChange | undefined;
}

/**
 * One client's view of one table: its queries there, and what the current tick sends for it.
 * With one query, the query's membership is the view. With several, a reference count per row
 * says how many queries hold it, so overlapping queries send a row once and delete it only when
 * the last one lets go.
 */
export class ClientTable {
  readonly table: TableState;
  readonly client: ClientState;
  readonly queries: LiveQuery[] = [];
  refs: Map<unknown, number> | undefined;
  // What this tick sends: keys and arena refs of deletes and inserts, update changes, shared runs.
  tick = -1;
  tt: TableTick | undefined;
  readonly delMks: unknown[] = [];
  readonly delKeys: unknown[] = [];
  readonly delRefs: number[] = [];
  readonly insMks: unknown[] = [];
  readonly insKeys: unknown[] = [];
  readonly insRefs: number[] = [];
  readonly ups: NetChange[] = [];
  readonly chunks: CellChunk[] = [];
  whole: [number, number] | undefined;
  readonly #touches = new Map<unknown, Touch>();

  constructor(table: TableState, client: ClientState) {
    this.table = table;
    this.client = client;
  }

  /**
   * True when this table's updates may come from shared bytes: one query, no visibility rule,
   * and a query whose membership is all rows (whole table) or all rows of a cell (spatial).
   * Kept by {@link refresh} whenever the query list changes.
   */
  chunkable = false;

  /** Recomputes what depends on the query list. */
  refresh(): void {
    this.chunkable =
      this.queries.length === 1 && this.table.visibility === undefined && this.queries[0]!.sharesChunks;
  }

  /** Opens this tick's output (once per tick) and registers with the client. */
  open(tt: TableTick): void {
    if (this.tick === tt.tick) return;
    this.tick = tt.tick;
    this.tt = tt;
    if (this.delMks.length > 0) {
      empty(this.delMks);
      empty(this.delKeys);
      empty(this.delRefs);
    }
    if (this.insMks.length > 0) {
      empty(this.insMks);
      empty(this.insKeys);
      empty(this.insRefs);
    }
    if (this.ups.length > 0) empty(this.ups);
    if (this.chunks.length > 0) empty(this.chunks);
    this.whole = undefined;
    if (this.#touches.size > 0) this.#touches.clear();
    this.client.touch(this, tt.tick);
  }

  /** Records a membership transition of one query for one row. */
  transition(
    tt: TableTick,
    mk: unknown,
    key: unknown,
    was: boolean,
    is: boolean,
    row: AnyRow | undefined,
    change: NetChange | undefined,
  ): void {
    this.open(tt);
    const refs = this.refs;
    if (refs === undefined) {
      this.#emit(tt, mk, key, was, is, row, change);
      return;
    }
    let t = this.#touches.get(mk);
    if (t === undefined) {
      t = { before: refs.get(mk) ?? 0, key, row, change };
      this.#touches.set(mk, t);
    } else {
      t.row = row;
      if (change !== undefined) t.change = change;
    }
    if (was !== is) {
      const n = (refs.get(mk) ?? 0) + (is ? 1 : -1);
      if (n > 0) refs.set(mk, n);
      else refs.delete(mk);
    }
  }

  #emit(
    tt: TableTick,
    mk: unknown,
    key: unknown,
    was: boolean,
    is: boolean,
    row: AnyRow | undefined,
    change: NetChange | undefined,
  ): void {
    if (was && !is) {
      this.delMks.push(mk);
      this.delKeys.push(key);
      this.delRefs.push(tt.keyRef(mk, key));
    } else if (!was && is) {
      this.insMks.push(mk);
      this.insKeys.push(key);
      this.insRefs.push(tt.rowRef(mk, row!));
    } else if (
      was &&
      is &&
      change !== undefined &&
      change.old !== undefined &&
      change.new !== undefined &&
      tt.body(change)
    )
      this.ups.push(change);
  }

  /** Turns the tick's reference-count movements into deletes, inserts and updates. */
  finish(): void {
    if (this.refs === undefined || this.#touches.size === 0) return;
    const tt = this.tt!;
    for (const [mk, t] of this.#touches) {
      const after = this.refs.get(mk) ?? 0;
      this.#emit(tt, mk, t.key, t.before > 0, after > 0, t.row, t.change);
    }
    this.#touches.clear();
  }

  /** Whether the client's view holds this row now. */
  isVisible(mk: unknown, row: AnyRow | undefined): boolean {
    if (row === undefined) return false;
    if (this.refs !== undefined) return (this.refs.get(mk) ?? 0) > 0;
    const q = this.queries[0];
    if (q === undefined) return false;
    return q.holds(mk, row);
  }

  /** Whether this tick produced anything for the client. */
  get hasOutput(): boolean {
    return (
      this.whole !== undefined ||
      this.delMks.length + this.insMks.length + this.ups.length + this.chunks.length > 0
    );
  }

  /** Adds every key this tick touched to a congested client's dirty set. */
  collectDirty(dirty: Map<unknown, unknown>): void {
    for (let i = 0; i < this.delMks.length; i++) dirty.set(this.delMks[i], this.delKeys[i]);
    for (let i = 0; i < this.insMks.length; i++) dirty.set(this.insMks[i], this.insKeys[i]);
    for (const c of this.ups) dirty.set(c.mk, c.key);
    for (const ch of this.chunks) for (const c of ch.changes) dirty.set(c.mk, c.key);
    if (this.whole !== undefined) for (const c of this.tt!.list) dirty.set(c.mk, c.key);
  }

  /** Writes this tick's table section, from shared arena bytes plus the client's own part. */
  writeSection(w: BinaryWriter, arena: Uint8Array): void {
    if (this.whole !== undefined) {
      w.rawRange(arena, this.whole[0], this.whole[1]);
      return;
    }
    const tt = this.tt!;
    const refs = tt.refs;
    w.uvar(tt.wire.id).uvar(this.delRefs.length);
    for (const i of this.delRefs) w.rawRange(arena, refs[i]!, refs[i + 1]!);
    w.uvar(this.insRefs.length);
    for (const i of this.insRefs) w.rawRange(arena, refs[i]!, refs[i + 1]!);
    const ups = this.ups;
    const chunks = this.chunks;
    w.uvar(chunks.length + (ups.length > 0 ? 1 : 0));
    for (let i = 0; i < chunks.length; i++) w.rawRange(arena, chunks[i]!.start, chunks[i]!.end);
    if (ups.length > 0) {
      // Keys travel as deltas from the previous entry: in key order they are small.
      if (tt.wire.intKey) sortByIntKey(ups);
      w.uvar(ups.length);
      let prev = 0;
      for (let i = 0; i < ups.length; i++) {
        const c = ups[i]!;
        prev = tt.wire.writeEntryKey(w, c.key, prev);
        w.rawRange(arena, c.bodyStart, c.bodyEnd);
      }
    }
  }
}

/** One subscriber: its queries, its per-table views and its backpressure state. */
export class ClientState {
  readonly handle: number;
  readonly identity: Identity;
  readonly sink: SubscriberSink;
  readonly queries = new Map<number, LiveQuery>();
  /** The queries as the client sent them, by id (a runtime migration rebuilds them from these). */
  readonly specs = new Map<number, Query>();
  readonly tables = new Map<number, ClientTable>();
  /** Tables with output this tick. */
  readonly touched: ClientTable[] = [];
  touchTick = -1;
  /** Tick at which the client went over the high watermark, or -1. */
  congestedSince = -1;
  /** While congested: table id -> (row map key -> key) of rows to resend as they are at drain time. */
  readonly dirty = new Map<number, Map<unknown, unknown>>();
  removed = false;
  /** Bytes of this client's frames in the engine's outbox, waiting for their tick's fan-out. */
  queuedBytes = 0;
  /** Set once the congestion limit has been reported, so it is reported once. */
  limitReported = false;
  readonly #onFirstTouch: (client: ClientState) => void;

  constructor(
    handle: number,
    identity: Identity,
    sink: SubscriberSink,
    onFirstTouch: (client: ClientState) => void,
  ) {
    this.handle = handle;
    this.identity = identity;
    this.sink = sink;
    this.#onFirstTouch = onFirstTouch;
  }

  /** Called by a table view when it opens its output for a tick. */
  touch(ct: ClientTable, tick: number): void {
    if (this.touchTick !== tick) {
      this.touchTick = tick;
      empty(this.touched);
      this.#onFirstTouch(this);
    }
    this.touched.push(ct);
  }

  /** Writes this tick's TICK_UPDATE frame; returns false when there is nothing to send. */
  writeTickFrame(w: BinaryWriter, tick: number, arena: Uint8Array): boolean {
    const touched = this.touched;
    let n = 0;
    for (let i = 0; i < touched.length; i++) if (touched[i]!.hasOutput) n++;
    if (n === 0) return false;
    w.reset().u8(SERVER_MESSAGE.TICK_UPDATE).uvar(tick).uvar(n);
    for (let i = 0; i < touched.length; i++) if (touched[i]!.hasOutput) touched[i]!.writeSection(w, arena);
    return true;
  }
}
