import { TickspaceError } from '../protocol/errors';
import { MemoryKv } from './memory-kv';
import {
  DEFAULT_ACK_WAIT_MS,
  type ConsumerOptions,
  type CoreHandler,
  type Fabric,
  type FabricSubscription,
  type FabricConsumer,
  type FabricKv,
  type FabricMessage,
  type MessageHandler,
  type PublishAck,
} from './port';

/** Fault probabilities (0 to 1) the memory fabric draws from its seeded generator. */
export interface MemoryFaults {
  /** A publish, a delivery or an ack is lost. A lost publish may still have been stored (its ack was lost). @default 0 */
  readonly drop?: number;
  /** A delivery is handed out twice, even after an ack (as a late JetStream redelivery can). @default 0 */
  readonly duplicate?: number;
  /** The next delivery is taken from anywhere in the queue instead of its head. @default 0 */
  readonly reorder?: number;
  /** A delivery goes back to the end of the queue. @default 0 */
  readonly delay?: number;
}

/** Options for {@link createMemoryFabric}. */
export interface MemoryFabricOptions {
  /** Seed of the fault generator: one seed, one run. @default 1 */
  readonly seed?: number;
  readonly faults?: MemoryFaults;
  /**
   * Manual mode: nothing is delivered until the caller runs {@link MemoryFabric.step}, and an
   * unacked delivery comes back only at {@link MemoryFabric.expireAckWait} (property tests drive
   * every interleaving). Otherwise deliveries drain on their own and AckWait runs on timers.
   * @default false
   */
  readonly manual?: boolean;
}

/** How often each fault fired and how the stream was used: a property test asserts its faults ran. */
export interface MemoryFabricCounts {
  published: number;
  duplicatesRefused: number;
  publishesLost: number;
  delivered: number;
  deliveriesDropped: number;
  duplicated: number;
  reordered: number;
  delayed: number;
  acksLost: number;
  redelivered: number;
  /** Core messages sent, and handed to a subscriber (each subscriber counts). */
  coreSent: number;
  coreDelivered: number;
}

interface Stored {
  readonly subject: string;
  readonly msgId: string;
  readonly data: Uint8Array;
}

interface Durable {
  readonly subject: string;
  ackWaitMs: number;
  /** Highest stream sequence already taken into `unacked`. */
  cursor: number;
  /** Unacked sequences and how often each was delivered. */
  readonly unacked: Map<number, number>;
  handler: MessageHandler | undefined;
  /** Bumped by each consume/stop: an ack from an older generation comes from a dead reader. */
  generation: number;
}

interface Delivery {
  readonly durable: string;
  readonly seq: number;
  /** A duplicate copy: handed out even if the original was acked. */
  readonly copy: boolean;
  /** A core message (not stored): its subject and bytes; `durable` and `seq` are unused. */
  readonly core?: { readonly subject: string; readonly data: Uint8Array };
}

/** NATS subject matching: `*` matches one token, a final `>` one or more. */
function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return i === p.length - 1 && s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** mulberry32: small, seeded, good enough to pick faults. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An in-process fabric with JetStream's semantics (one stream, dedupe by message id for the
 * whole run, durable consumers whose unacked messages come back, KV with compare-and-set) and
 * seeded faults. Built for tests of what runs over it, not as a broker.
 */
export class MemoryFabric implements Fabric {
  readonly counts: MemoryFabricCounts = {
    published: 0,
    duplicatesRefused: 0,
    publishesLost: 0,
    delivered: 0,
    deliveriesDropped: 0,
    duplicated: 0,
    reordered: 0,
    delayed: 0,
    acksLost: 0,
    redelivered: 0,
    coreSent: 0,
    coreDelivered: 0,
  };
  readonly #rng: () => number;
  readonly #faults: Required<MemoryFaults>;
  readonly #manual: boolean;
  readonly #stream: Stored[] = [];
  readonly #ids = new Map<string, number>();
  readonly #durables = new Map<string, Durable>();
  readonly #buckets = new Map<string, MemoryKv>();
  readonly #subscriptions = new Set<{ readonly subject: string; readonly handler: CoreHandler }>();
  #queue: Delivery[] = [];
  #draining = false;
  #closed = false;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(options: MemoryFabricOptions = {}) {
    this.#rng = generator(options.seed ?? 1);
    this.#faults = { drop: 0, duplicate: 0, reorder: 0, delay: 0, ...options.faults };
    this.#manual = options.manual ?? false;
  }

  /** Messages waiting to be handed out. */
  get inFlight(): number {
    return this.#queue.length;
  }

  /** Unacked messages of a durable consumer. */
  unacked(durable: string): number {
    return this.#durables.get(durable)?.unacked.size ?? 0;
  }

  async publish(subject: string, data: Uint8Array, msgId: string): Promise<PublishAck> {
    this.#open();
    const lost = this.#rng() < this.#faults.drop;
    // A lost publish either never reached the stream or lost its ack on the way back.
    const stored = !lost || this.#rng() < 0.5;
    let ack: PublishAck | undefined;
    if (stored) {
      const seq = this.#ids.get(msgId);
      if (seq !== undefined) {
        this.counts.duplicatesRefused++;
        ack = { seq, duplicate: true };
      } else {
        this.#stream.push({ subject, msgId, data: data.slice() });
        const newSeq = this.#stream.length;
        this.#ids.set(msgId, newSeq);
        this.counts.published++;
        this.#pumpAll();
        ack = { seq: newSeq, duplicate: false };
      }
    }
    if (lost) {
      this.counts.publishesLost++;
      throw new TickspaceError('FABRIC_UNAVAILABLE', `publish of ${msgId} to ${subject}: no ack (fault)`, {
        details: { subject, msgId, stored },
      });
    }
    return ack!;
  }

  async consume(options: ConsumerOptions, handler: MessageHandler): Promise<FabricConsumer> {
    this.#open();
    let durable = this.#durables.get(options.durable);
    if (durable === undefined) {
      durable = {
        subject: options.subject,
        ackWaitMs: options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
        cursor: 0,
        unacked: new Map(),
        handler: undefined,
        generation: 0,
      };
      this.#durables.set(options.durable, durable);
    }
    durable.handler = handler;
    durable.generation++;
    const generation = durable.generation;
    // What the last reader took and left unacked stays pending until its AckWait runs out, as in
    // JetStream (a restarted reader does not get it sooner); what no reader was handed comes now.
    for (const [seq, count] of durable.unacked)
      if (count === 0 && !this.#queue.some((d) => d.durable === options.durable && d.seq === seq))
        this.#enqueue({ durable: options.durable, seq, copy: false });
    this.#pump(options.durable, durable);
    return {
      stop: async () => {
        if (durable.generation !== generation) return;
        durable.handler = undefined;
        durable.generation++;
      },
    };
  }

  /** Core messages go through the same queue and faults as deliveries (dropped, repeated, reordered, delayed). */
  send(subject: string, data: Uint8Array): void {
    if (this.#closed) return;
    this.counts.coreSent++;
    this.#enqueue({ durable: '', seq: 0, copy: false, core: { subject, data: data.slice() } });
  }

  async subscribe(subject: string, handler: CoreHandler): Promise<FabricSubscription> {
    this.#open();
    const sub = { subject, handler };
    this.#subscriptions.add(sub);
    return {
      stop: async () => {
        this.#subscriptions.delete(sub);
      },
    };
  }

  async kv(bucket: string): Promise<FabricKv> {
    this.#open();
    let kv = this.#buckets.get(bucket);
    if (kv === undefined) {
      kv = new MemoryKv(bucket);
      this.#buckets.set(bucket, kv);
    }
    return kv;
  }

  /**
   * Hands out one delivery (manual mode), applying the faults; returns false when none waits.
   */
  step(): boolean {
    if (this.#queue.length === 0) return false;
    let index = 0;
    if (this.#queue.length > 1 && this.#rng() < this.#faults.reorder) {
      index = Math.floor(this.#rng() * this.#queue.length);
      if (index !== 0) this.counts.reordered++;
    }
    const [delivery] = this.#queue.splice(index, 1) as [Delivery];
    if (this.#queue.length > 0 && this.#rng() < this.#faults.delay) {
      this.counts.delayed++;
      this.#queue.push(delivery);
      return true;
    }
    if (this.#rng() < this.#faults.drop) {
      this.counts.deliveriesDropped++;
      return true;
    }
    if (this.#rng() < this.#faults.duplicate) {
      this.counts.duplicated++;
      this.#queue.push({ ...delivery, copy: true });
    }
    this.#deliver(delivery);
    return true;
  }

  /** Every unacked message of every durable is due again, as when AckWait runs out (manual mode). */
  expireAckWait(): number {
    let n = 0;
    for (const [name, durable] of this.#durables) {
      for (const seq of durable.unacked.keys()) {
        if (this.#queue.some((d) => d.durable === name && d.seq === seq && !d.copy)) continue;
        this.#queue.push({ durable: name, seq, copy: false });
        n++;
      }
    }
    this.counts.redelivered += n;
    return n;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const durable of this.#durables.values()) {
      durable.handler = undefined;
      durable.generation++;
    }
    this.#subscriptions.clear();
    this.#queue = [];
  }

  #open(): void {
    if (this.#closed) throw new TickspaceError('FABRIC_UNAVAILABLE', 'the memory fabric is closed');
  }

  #pumpAll(): void {
    for (const [name, durable] of this.#durables) this.#pump(name, durable);
  }

  /** Takes the stream's new messages on the durable's subject into its unacked set. */
  #pump(name: string, durable: Durable): void {
    for (let seq = durable.cursor + 1; seq <= this.#stream.length; seq++) {
      if (this.#stream[seq - 1]!.subject !== durable.subject) continue;
      durable.unacked.set(seq, 0);
      this.#enqueue({ durable: name, seq, copy: false });
    }
    durable.cursor = this.#stream.length;
  }

  #enqueue(delivery: Delivery): void {
    this.#queue.push(delivery);
    if (!this.#manual) this.#drainSoon();
  }

  #drainSoon(): void {
    if (this.#draining) return;
    this.#draining = true;
    setImmediate(() => {
      this.#draining = false;
      while (!this.#closed && this.step());
    });
  }

  #deliver(delivery: Delivery): void {
    if (delivery.core !== undefined) {
      // Whoever subscribes when it is handed out gets it; nobody: it is gone (not stored).
      const { subject, data } = delivery.core;
      for (const sub of [...this.#subscriptions])
        if (subjectMatches(sub.subject, subject)) {
          this.counts.coreDelivered++;
          sub.handler(subject, data.slice());
        }
      return;
    }
    const durable = this.#durables.get(delivery.durable)!;
    const count = durable.unacked.get(delivery.seq);
    if (count === undefined && !delivery.copy) return;
    // A stopped consumer: the message stays unacked and comes back after AckWait, to the next reader.
    if (durable.handler === undefined) {
      if (count !== undefined && !this.#manual)
        this.#ackTimer(delivery.durable, durable, delivery.seq, count);
      return;
    }
    const deliveryCount = (count ?? 0) + 1;
    if (count !== undefined) durable.unacked.set(delivery.seq, deliveryCount);
    const stored = this.#stream[delivery.seq - 1]!;
    const generation = durable.generation;
    const message: FabricMessage = {
      subject: stored.subject,
      msgId: stored.msgId,
      data: stored.data.slice(),
      deliveryCount,
      ack: async () => {
        if (this.#closed || durable.generation !== generation)
          throw new TickspaceError('FABRIC_UNAVAILABLE', `ack of ${stored.msgId}: the consumer is gone`);
        if (this.#rng() < this.#faults.drop) {
          this.counts.acksLost++;
          throw new TickspaceError('FABRIC_UNAVAILABLE', `ack of ${stored.msgId}: no confirmation (fault)`);
        }
        durable.unacked.delete(delivery.seq);
      },
    };
    this.counts.delivered++;
    if (!this.#manual) this.#ackTimer(delivery.durable, durable, delivery.seq, deliveryCount);
    durable.handler(message);
  }

  #ackTimer(name: string, durable: Durable, seq: number, deliveryCount: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (durable.unacked.get(seq) !== deliveryCount) return;
      this.counts.redelivered++;
      this.#enqueue({ durable: name, seq, copy: false });
    }, durable.ackWaitMs);
    timer.unref();
    this.#timers.add(timer);
  }
}

/**
 * An in-process fabric with seeded faults, for tests.
 * @example
 * const fabric = createMemoryFabric({ seed: 7, manual: true, faults: { drop: 0.1, duplicate: 0.1 } });
 */
export function createMemoryFabric(options: MemoryFabricOptions = {}): MemoryFabric {
  return new MemoryFabric(options);
}
