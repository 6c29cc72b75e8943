/**
 * The fabric port: the little that regions need from a message broker. A durable stream with
 * publish dedupe by message id, durable consumers with explicit acks (unacked messages come
 * back), core messages (at most once, not stored: ghosts), and a key-value store with
 * compare-and-set. NATS JetStream implements it for real
 * (`createJetStreamFabric`); an in-process fabric with seeded faults drives property tests
 * (`createMemoryFabric`). Correctness never rests on it: each region's commit log is the record.
 */

/** What the broker said about a publish. */
export interface PublishAck {
  /** The stream sequence the message is stored at. */
  readonly seq: number;
  /** True when a message with the same id was already stored (inside the dedupe window): nothing new was stored. */
  readonly duplicate: boolean;
}

/** One delivery of a stored message to a durable consumer. */
export interface FabricMessage {
  readonly subject: string;
  /** The id it was published with (the dedupe key). */
  readonly msgId: string;
  readonly data: Uint8Array;
  /** 1 for the first delivery, more for redeliveries. */
  readonly deliveryCount: number;
  /**
   * Acknowledges the message and waits for the broker to confirm it, so it is not delivered again
   * (JetStream's double ack). An ack may still be lost: consumers stay idempotent.
   * @throws TickspaceError FABRIC_UNAVAILABLE when the broker did not confirm.
   */
  ack(): Promise<void>;
}

/** Receives deliveries one at a time, in the order the fabric hands them out. */
export type MessageHandler = (message: FabricMessage) => void;

/** A durable consumer: its position and its unacked messages outlive {@link FabricConsumer.stop}. */
export interface ConsumerOptions {
  /** The consumer's durable name (one per reader: `in-<region>`). */
  readonly durable: string;
  /** The one subject it reads (2.9 servers take a single filter). */
  readonly subject: string;
  /** An unacked delivery is redelivered after this long. @default 30_000 */
  readonly ackWaitMs?: number;
}

/** A running consumer. */
export interface FabricConsumer {
  /** Stops delivering to this handler; unacked messages stay pending for the durable name. */
  stop(): Promise<void>;
}

/** A stored KV value and its revision (the compare-and-set token). */
export interface KvEntry {
  readonly value: Uint8Array;
  readonly revision: number;
}

/** A KV bucket with compare-and-set. */
export interface FabricKv {
  /** The key's value, or undefined if it was never set or was deleted. */
  find(key: string): Promise<KvEntry | undefined>;
  /** Sets the key whatever it holds; returns the new revision. */
  put(key: string, value: Uint8Array): Promise<number>;
  /**
   * Sets a key that does not exist yet; returns the revision.
   * @throws TickspaceError KV_CONFLICT if the key exists.
   */
  create(key: string, value: Uint8Array): Promise<number>;
  /**
   * Sets the key only if it is still at `revision`; returns the new revision.
   * @throws TickspaceError KV_CONFLICT if another write came first.
   */
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
}

/** Receives core (at-most-once) messages: the subject and the bytes, nothing to ack. */
export type CoreHandler = (subject: string, data: Uint8Array) => void;

/** A running core subscription. */
export interface FabricSubscription {
  /** Stops delivering to this handler (messages sent meanwhile are gone: core messages are not stored). */
  stop(): Promise<void>;
}

/** A message broker as regions see it. */
export interface Fabric {
  /**
   * Stores a message on the stream; a second publish with the same `msgId` inside the dedupe
   * window stores nothing and answers `duplicate: true`.
   * @throws TickspaceError FABRIC_UNAVAILABLE when no ack came (the message may or may not be stored: publish again with the same id).
   */
  publish(subject: string, data: Uint8Array, msgId: string): Promise<PublishAck>;
  /** Starts (or resumes) a durable consumer. */
  consume(options: ConsumerOptions, handler: MessageHandler): Promise<FabricConsumer>;
  /**
   * Sends a core message: at most once, not stored, no ack, to whoever subscribes to the subject
   * right now (NATS core publish). For views that the next message replaces (ghosts), never for a
   * fact: a send to a broker that is away is dropped without a word.
   */
  send(subject: string, data: Uint8Array): void;
  /** Subscribes to core messages on `subject` (NATS wildcards: `*` one token, `>` the rest). */
  subscribe(subject: string, handler: CoreHandler): Promise<FabricSubscription>;
  /** Opens (creating if needed) a KV bucket. */
  kv(bucket: string): Promise<FabricKv>;
  /** Stops every consumer and closes the connection. */
  close(): Promise<void>;
}

/** Default {@link ConsumerOptions.ackWaitMs}. */
export const DEFAULT_ACK_WAIT_MS = 30_000;
