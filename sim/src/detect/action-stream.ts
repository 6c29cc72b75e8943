/**
 * One identity's action stream as the detector sees it: its reducer calls (with the caller's
 * position and the call's direction or target), the updates it received that call for a reaction,
 * sampled positions while it moves, and session marks. Stored column-wise in growable typed arrays
 * because a trial holds millions of events.
 */

/** What an event is. */
export const STREAM_EVENT = {
  /** A reducer call by the identity. */
  CALL: 0,
  /** An update the identity received that invites a reaction (its action finished, a trade changed...). */
  UPDATE: 1,
  /** A sampled position while moving. */
  POSITION: 2,
  /** The identity connected. */
  SESSION_START: 3,
  /** The identity disconnected. */
  SESSION_END: 4,
  /**
   * A trade the identity was in went through: `partner` is the other side, `given` and `received`
   * the item units that left and reached the identity's backpack (stored in the dx and dy columns).
   */
  TRADE: 5,
} as const;
/** One of {@link STREAM_EVENT}. */
export type StreamEventType = (typeof STREAM_EVENT)[keyof typeof STREAM_EVENT];

/** One event, as pushed into a stream. */
export interface StreamEvent {
  readonly type: StreamEventType;
  /** Logical time, ms. */
  readonly timeMs: number;
  /** Reducer or update name ('' for positions and session marks). */
  readonly name?: string;
  /** For calls: whether the reducer accepted the call. @default true */
  readonly ok?: boolean;
  /** The identity's position when the event happened, in world units (NaN if unknown). */
  readonly x?: number;
  readonly y?: number;
  /** For calls: a direction (move) or target position, else NaN. */
  readonly dx?: number;
  readonly dy?: number;
  /** For calls and updates involving another identity (trade): that identity. */
  readonly partner?: string;
  /** For {@link STREAM_EVENT.TRADE}: item units the identity gave (read back as `dx`). */
  readonly given?: number;
  /** For {@link STREAM_EVENT.TRADE}: item units the identity received (read back as `dy`). */
  readonly received?: number;
}

/** Interns strings to small integers shared by every stream of a detector. */
export class NameTable {
  readonly #ids = new Map<string, number>();
  readonly #names: string[] = [];

  /** The id of `name`, assigning the next one if new. */
  id(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#names.length;
      this.#ids.set(name, id);
      this.#names.push(name);
    }
    return id;
  }

  /** The name of an id. */
  name(id: number): string {
    return this.#names[id] ?? '';
  }

  /** Number of names. */
  get size(): number {
    return this.#names.length;
  }
}

/** The column arrays of a stream. */
export interface StreamColumns {
  time: Float64Array<ArrayBuffer>;
  type: Uint8Array<ArrayBuffer>;
  name: Uint16Array<ArrayBuffer>;
  ok: Uint8Array<ArrayBuffer>;
  x: Float32Array<ArrayBuffer>;
  y: Float32Array<ArrayBuffer>;
  dx: Float32Array<ArrayBuffer>;
  dy: Float32Array<ArrayBuffer>;
  partner: Int32Array<ArrayBuffer>;
}

const COLUMN_TYPES = [
  ['time', Float64Array],
  ['type', Uint8Array],
  ['name', Uint16Array],
  ['ok', Uint8Array],
  ['x', Float32Array],
  ['y', Float32Array],
  ['dx', Float32Array],
  ['dy', Float32Array],
  ['partner', Int32Array],
] as const;

/** Growable column storage for one identity's events, in time order. */
export class ActionStream {
  readonly identity: string;
  readonly names: NameTable;
  #length = 0;
  #calls = 0;
  #time = new Float64Array(64);
  #type = new Uint8Array(64);
  #name = new Uint16Array(64);
  #ok = new Uint8Array(64);
  #x = new Float32Array(64);
  #y = new Float32Array(64);
  #dx = new Float32Array(64);
  #dy = new Float32Array(64);
  #partner = new Int32Array(64);

  constructor(identity: string, names: NameTable) {
    this.identity = identity;
    this.names = names;
  }

  /** Number of events. */
  get length(): number {
    return this.#length;
  }

  /** Number of call events. */
  get calls(): number {
    return this.#calls;
  }

  /** Appends an event; events must arrive in time order (equal times keep arrival order). */
  push(event: StreamEvent): void {
    if (this.#length === this.#time.length) this.#grow();
    if (event.type === STREAM_EVENT.CALL) this.#calls++;
    const i = this.#length++;
    this.#time[i] = event.timeMs;
    this.#type[i] = event.type;
    this.#name[i] = this.names.id(event.name ?? '');
    this.#ok[i] = event.ok === false ? 0 : 1;
    this.#x[i] = event.x ?? Number.NaN;
    this.#y[i] = event.y ?? Number.NaN;
    this.#dx[i] = event.given ?? event.dx ?? Number.NaN;
    this.#dy[i] = event.received ?? event.dy ?? Number.NaN;
    this.#partner[i] = event.partner === undefined ? -1 : this.names.id(`@${event.partner}`);
  }

  #grow(): void {
    const n = this.#time.length * 2;
    const grow = <A extends Float64Array | Float32Array | Uint8Array | Uint16Array | Int32Array>(
      a: A,
      make: (n: number) => A,
    ): A => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.#time = grow(this.#time, (k) => new Float64Array(k));
    this.#type = grow(this.#type, (k) => new Uint8Array(k));
    this.#name = grow(this.#name, (k) => new Uint16Array(k));
    this.#ok = grow(this.#ok, (k) => new Uint8Array(k));
    this.#x = grow(this.#x, (k) => new Float32Array(k));
    this.#y = grow(this.#y, (k) => new Float32Array(k));
    this.#dx = grow(this.#dx, (k) => new Float32Array(k));
    this.#dy = grow(this.#dy, (k) => new Float32Array(k));
    this.#partner = grow(this.#partner, (k) => new Int32Array(k));
  }

  timeMs(i: number): number {
    return this.#time[i]!;
  }
  type(i: number): StreamEventType {
    return this.#type[i]! as StreamEventType;
  }
  /** Interned name id (see {@link NameTable}). */
  nameId(i: number): number {
    return this.#name[i]!;
  }
  ok(i: number): boolean {
    return this.#ok[i] === 1;
  }
  x(i: number): number {
    return this.#x[i]!;
  }
  y(i: number): number {
    return this.#y[i]!;
  }
  dx(i: number): number {
    return this.#dx[i]!;
  }
  dy(i: number): number {
    return this.#dy[i]!;
  }
  /** Interned partner id, or -1. */
  partner(i: number): number {
    return this.#partner[i]!;
  }

  /**
   * The live columns, without copying (valid until the next push; entries past `length` are
   * garbage). For hot readers such as feature extraction; do not write through them.
   */
  raw(): Readonly<StreamColumns> & { readonly length: number } {
    return {
      length: this.#length,
      time: this.#time,
      type: this.#type,
      name: this.#name,
      ok: this.#ok,
      x: this.#x,
      y: this.#y,
      dx: this.#dx,
      dy: this.#dy,
      partner: this.#partner,
    };
  }

  /** The columns, trimmed to the stream's length (for serialisation). */
  columns(): StreamColumns {
    const n = this.#length;
    return {
      time: this.#time.slice(0, n),
      type: this.#type.slice(0, n),
      name: this.#name.slice(0, n),
      ok: this.#ok.slice(0, n),
      x: this.#x.slice(0, n),
      y: this.#y.slice(0, n),
      dx: this.#dx.slice(0, n),
      dy: this.#dy.slice(0, n),
      partner: this.#partner.slice(0, n),
    };
  }

  /** A stream from {@link ActionStream.columns} (name ids refer to `names`). */
  static fromColumns(identity: string, names: NameTable, c: StreamColumns): ActionStream {
    const s = new ActionStream(identity, names);
    s.#length = c.time.length;
    s.#time = c.time;
    s.#type = c.type;
    s.#name = c.name;
    s.#ok = c.ok;
    s.#x = c.x;
    s.#y = c.y;
    s.#dx = c.dx;
    s.#dy = c.dy;
    s.#partner = c.partner;
    for (let i = 0; i < c.type.length; i++) if (c.type[i] === STREAM_EVENT.CALL) s.#calls++;
    if (s.#length === 0) s.#grow();
    return s;
  }

  /** The events as plain objects (tests, debugging, trace export). */
  toEvents(): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (let i = 0; i < this.#length; i++) {
      const partner = this.#partner[i]!;
      out.push({
        type: this.type(i),
        timeMs: this.#time[i]!,
        name: this.names.name(this.#name[i]!),
        ok: this.ok(i),
        x: this.#x[i]!,
        y: this.#y[i]!,
        dx: this.#dx[i]!,
        dy: this.#dy[i]!,
        ...(partner >= 0 ? { partner: this.names.name(partner).slice(1) } : {}),
      });
    }
    return out;
  }
}

/** Every identity's stream, sharing one name table. */
export class StreamSet {
  readonly names = new NameTable();
  readonly #streams = new Map<string, ActionStream>();

  /** The stream of an identity, created on first use. */
  stream(identity: string): ActionStream {
    let s = this.#streams.get(identity);
    if (s === undefined) {
      s = new ActionStream(identity, this.names);
      this.#streams.set(identity, s);
    }
    return s;
  }

  /** The stream of an identity if it has one. */
  find(identity: string): ActionStream | undefined {
    return this.#streams.get(identity);
  }

  /** Appends an event to an identity's stream. */
  push(identity: string, event: StreamEvent): void {
    this.stream(identity).push(event);
  }

  /** Every stream, in first-seen order. */
  iter(): ActionStream[] {
    return [...this.#streams.values()];
  }

  /** Number of identities. */
  count(): number {
    return this.#streams.size;
  }

  /**
   * Serialises every stream: a JSON header (names, identities, lengths) and the raw columns. Lets a
   * trial keep a population's streams and retrain the detector without simulating again.
   */
  serialize(): Uint8Array {
    const streams = this.iter();
    const names: string[] = [];
    for (let i = 0; i < this.names.size; i++) names.push(this.names.name(i));
    const header = new TextEncoder().encode(
      JSON.stringify({ names, streams: streams.map((s) => [s.identity, s.length]) }),
    );
    const parts: Uint8Array[] = [new Uint8Array(new Uint32Array([header.length]).buffer), header];
    let size = 4 + header.length;
    for (const s of streams) {
      const c = s.columns();
      for (const [key] of COLUMN_TYPES) {
        const a = c[key];
        // Align every column to 8 bytes so it can be viewed in place when read back.
        const pad = (8 - (size % 8)) % 8;
        if (pad > 0) {
          parts.push(new Uint8Array(pad));
          size += pad;
        }
        parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        size += a.byteLength;
      }
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** Reads {@link StreamSet.serialize}'s bytes back. */
  static deserialize(bytes: Uint8Array): StreamSet {
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    const view = new DataView(copy.buffer);
    const headerLength = view.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(copy.subarray(4, 4 + headerLength))) as {
      names: string[];
      streams: [string, number][];
    };
    const set = new StreamSet();
    for (const n of header.names) set.names.id(n);
    let at = 4 + headerLength;
    for (const [identity, length] of header.streams) {
      const c: Record<string, unknown> = {};
      for (const [key, Type] of COLUMN_TYPES) {
        at += (8 - (at % 8)) % 8;
        c[key] = new Type(copy.buffer, at, length);
        at += length * Type.BYTES_PER_ELEMENT;
      }
      set.#streams.set(
        identity,
        ActionStream.fromColumns(identity, set.names, c as unknown as StreamColumns),
      );
    }
    return set;
  }
}
