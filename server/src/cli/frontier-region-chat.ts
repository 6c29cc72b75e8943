/**
 * Global chat across the regions of a Frontier world. Decided behaviour: a message said on the
 * `global` channel in one region reaches every region, once, as a logged `chat_message` row there
 * (replay, `inspect` and `history` see it as any other row), so a client subscribed to global chat
 * through its one region reads the whole world's. Local chat stays per region (world/README.md).
 *
 * - **Sender.** After each durable tick, the relay publishes every global row said here (not one
 *   relayed in) to each other region on `ts.r.<to>.chat`, with the message id `chat.<from>.<id>.<to>`
 *   (a republish inside the broker's window is stored once). What failed goes again after the next
 *   tick; after a restart every retained global row goes again.
 * - **Receiver.** A durable consumer per region (`chat-<region>`) hands each message to the
 *   server-only reducer `chat_in`, which inserts it once: `ts_chat_in` keys what was applied by origin region and
 *   row id (an applied set, not a high-water mark: redeliveries come out of order). The delivery is
 *   acked after that tick is durable. Applied keys are forgotten twice `chatRetentionMs` after they
 *   arrived, when the row itself is long pruned and the broker's dedupe window (2 min) is past.
 * - The row keeps the sender's name, identity and position (in the origin region); its `sentMs` is
 *   the receiver's clock (each region's logical clock is its own), so pruning works as for any row.
 */
import {
  ReducerError,
  SERVER_IDENTITY,
  t,
  table,
  type Engine,
  type Identity,
  type Logger,
  type ReadonlyDb,
  type Schema,
  type Tables,
} from '../engine';
import type { Fabric, FabricConsumer, FabricMessage } from '../fabric';

/** The internal reducer that applies a relayed message. */
const CHAT_IN = 'chat_in';

/** The fabric subject a region's relayed chat arrives on. */
function chatSubject(region: string): string {
  return `ts.r.${region}.chat`;
}

/** The kit's chat table, spread into a region's schema next to Frontier's. */
export function regionChatTables() {
  return {
    /** Relayed messages applied here, by origin: `<from>:<row id>`. */
    ts_chat_in: table(
      { public: false },
      {
        key: t.string().primaryKey(),
        /** The `chat_message` row it became here. */
        localId: t.u32().index('hash'),
        appliedMs: t.f64().index('btree'),
      },
    ),
  };
}

/** A relayed message, as published (JSON). */
interface ChatWire {
  readonly from: string;
  readonly id: number;
  readonly sender: string;
  readonly senderName: string;
  readonly text: string;
  readonly x: number;
  readonly y: number;
}

/** Frontier's chat row, as far as the relay reads it. */
interface ChatRow extends Omit<ChatWire, 'from'> {
  readonly channel: string;
  readonly sentMs: number;
}

type ChatDb = {
  chat_message: {
    insert(row: Omit<ChatRow, 'id'>): ChatRow;
    filter(index: 'by_channel', value: string): ChatRow[];
  };
  ts_chat_in: {
    has(key: string): boolean;
    insert(row: { key: string; localId: number; appliedMs: number }): unknown;
    delete(key: string): unknown;
    filter(index: 'localId', value: number): unknown[];
    range(index: 'appliedMs', q: { lt: number }): { key: string }[];
  };
};

/**
 * The `chat_in` reducer, the relay's (called as the server; a client is refused FORBIDDEN, as for
 * the handoff reducers): inserts a relayed global message once.
 * @example
 * reducers: [...mine, regionChatReducer(schema, { retentionMs: 60_000 })]
 */
export function regionChatReducer<T extends Tables>(schema: Schema<T>, options: { retentionMs: number }) {
  return schema.reducer(
    CHAT_IN,
    {
      from: t.string(),
      id: t.u32(),
      sender: t.string(),
      senderName: t.string(),
      text: t.string(),
      x: t.f32(),
      y: t.f32(),
    },
    (ctx, m) => {
      if (ctx.sender !== SERVER_IDENTITY)
        throw new ReducerError('FORBIDDEN', `${CHAT_IN} is called by the region relay, not by clients`);
      const db = ctx.db as unknown as ChatDb;
      for (const old of db.ts_chat_in.range('appliedMs', { lt: ctx.now - 2 * options.retentionMs }))
        db.ts_chat_in.delete(old.key);
      const key = `${m.from}:${m.id}`;
      // Refused, not ignored: the relay counts it and acks it, and the log says so.
      if (db.ts_chat_in.has(key)) throw new ReducerError('DUPLICATE', `chat ${key} was applied here already`);
      const row = db.chat_message.insert({
        sender: m.sender as Identity,
        senderName: m.senderName,
        channel: 'global',
        text: m.text,
        x: m.x,
        y: m.y,
        sentMs: ctx.now,
      });
      db.ts_chat_in.insert({ key, localId: row.id, appliedMs: ctx.now });
    },
  );
}

/** Options for {@link GlobalChatRelay}. */
export interface GlobalChatRelayOptions {
  readonly engine: Engine<any>;
  readonly fabric: Fabric;
  readonly region: string;
  /** Every other region of the world. */
  readonly peers: readonly string[];
  /** @default console */
  readonly logger?: Pick<Logger, 'error'>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Relays a region's global chat to its peers and applies theirs (see the file's comment). */
export class GlobalChatRelay {
  /** What it did, for tests. */
  readonly counts = { published: 0, publishFailures: 0, applied: 0, duplicates: 0, invalid: 0 };
  readonly #o: GlobalChatRelayOptions;
  /** `<row id>:<to>` published and confirmed, or on its way. */
  readonly #sent = new Set<string>();
  #consumer: FabricConsumer | undefined;
  #unhook: (() => void) | undefined;

  constructor(options: GlobalChatRelayOptions) {
    this.#o = options;
  }

  /** Sends remembered (row and peer), for tests: only rows still retained are remembered. */
  get remembered(): number {
    return this.#sent.size;
  }

  async start(): Promise<void> {
    this.#unhook = this.#o.engine.onTick(() => this.#publishNew());
    this.#consumer = await this.#o.fabric.consume(
      { durable: `chat-${this.#o.region}`, subject: chatSubject(this.#o.region) },
      (m) => void this.#receive(m),
    );
    this.#publishNew();
  }

  async stop(): Promise<void> {
    this.#unhook?.();
    await this.#consumer?.stop();
  }

  #publishNew(): void {
    const db = this.#o.engine.db as unknown as ReadonlyDb<any> & ChatDb;
    const rows = db.chat_message.filter('by_channel', 'global');
    // What was sent of rows since pruned is forgotten: the set holds only retained rows.
    if (this.#sent.size > 0) {
      const live = new Set(rows.map((r) => r.id));
      for (const sent of this.#sent)
        if (!live.has(Number(sent.slice(0, sent.indexOf(':'))))) this.#sent.delete(sent);
    }
    for (const row of rows) {
      // A row relayed in from another region is not this region's to send (no echo).
      if (db.ts_chat_in.filter('localId', row.id).length > 0) continue;
      for (const to of this.#o.peers) {
        const sent = `${row.id}:${to}`;
        if (this.#sent.has(sent)) continue;
        this.#sent.add(sent);
        const wire: ChatWire = {
          from: this.#o.region,
          id: row.id,
          sender: row.sender,
          senderName: row.senderName,
          text: row.text,
          x: row.x,
          y: row.y,
        };
        const msgId = `chat.${this.#o.region}.${row.id}.${to}`;
        this.#o.fabric.publish(chatSubject(to), encoder.encode(JSON.stringify(wire)), msgId).then(
          () => void this.counts.published++,
          () => {
            // Tried again after the next tick.
            this.counts.publishFailures++;
            this.#sent.delete(sent);
          },
        );
      }
    }
  }

  async #receive(delivery: FabricMessage): Promise<void> {
    let m: ChatWire;
    try {
      m = parseChat(decoder.decode(delivery.data));
    } catch (error) {
      // Redelivery would not change it: logged and acked.
      this.counts.invalid++;
      this.#o.logger?.error(`region ${this.#o.region}: refused chat message ${delivery.msgId}`, error);
      await delivery.ack().catch(() => {});
      return;
    }
    const result = await this.#o.engine.call(SERVER_IDENTITY, CHAT_IN, { ...m });
    if (result.ok) this.counts.applied++;
    else if (result.code === 'DUPLICATE') this.counts.duplicates++;
    else {
      // A server fault: unacked, the delivery comes back and is tried again.
      this.#o.logger?.error(`region ${this.#o.region}: ${CHAT_IN} from ${m.from} failed: ${result.message}`);
      return;
    }
    // A lost ack is a redelivery, which the applied set answers.
    await delivery.ack().catch(() => {});
  }
}

/** Reads a relayed message, field by field. @throws TypeError naming the field. */
function parseChat(text: string): ChatWire {
  const v = JSON.parse(text) as Record<string, unknown>;
  for (const f of ['from', 'sender', 'senderName', 'text'] as const)
    if (typeof v[f] !== 'string') throw new TypeError(`chat message: '${f}' must be text`);
  for (const f of ['id', 'x', 'y'] as const)
    if (typeof v[f] !== 'number' || !Number.isFinite(v[f]))
      throw new TypeError(`chat message: '${f}' must be a number`);
  if (!Number.isInteger(v.id) || (v.id as number) < 0)
    throw new TypeError(`chat message: 'id' must be a row id`);
  return v as unknown as ChatWire;
}
