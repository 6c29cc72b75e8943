import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { TickspaceError } from '../protocol/errors';
import {
  DEFAULT_ACK_WAIT_MS,
  type ConsumerOptions,
  type CoreHandler,
  type Fabric,
  type FabricSubscription,
  type FabricConsumer,
  type FabricKv,
  type KvEntry,
  type MessageHandler,
  type PublishAck,
} from './port';

/** Options for {@link createJetStreamFabric}. */
export interface JetStreamFabricOptions {
  /** The server URL, e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string;
  /** The stream every region message goes through. @default 'TS_MSG' */
  readonly stream?: string;
  /** Subjects the stream holds. @default ['ts.r.>'] */
  readonly subjects?: readonly string[];
  /** How long the broker refuses a repeated message id. @default 120_000 (JetStream's own default) */
  readonly duplicateWindowMs?: number;
  /** How long a publish, ack or KV call waits for the broker. @default 2_000 */
  readonly requestTimeoutMs?: number;
  /** Pause between reconnect attempts (they never stop). @default 250 */
  readonly reconnectWaitMs?: number;
  /**
   * How long {@link createJetStreamFabric} keeps trying to reach the broker (the first connection
   * and the stream set-up, each try bounded by `requestTimeoutMs`, `reconnectWaitMs` apart) before
   * it gives up with FABRIC_UNAVAILABLE. A region process passes Infinity: a broker that is down,
   * frozen or cut off when the region starts is waited for, as it is once connected.
   * @default 2_000
   */
  readonly connectTimeoutMs?: number;
  /** Connection name shown by the server. @default 'tickspace' */
  readonly name?: string;
}

/** The region stream's configuration, as created. */
type StreamConfig = Parameters<JetStreamManager['streams']['add']>[0] & { readonly name: string };

function unavailable(what: string, error: unknown): TickspaceError {
  const reason = error instanceof Error ? error.message : String(error);
  return new TickspaceError('FABRIC_UNAVAILABLE', `${what}: ${reason}`, { cause: error });
}

/** JetStream's answer to a lost compare-and-set (`wrong last sequence`, API code 10071). */
function isConflict(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; api_error?: { err_code?: number } };
  return (
    e?.api_error?.err_code === 10071 ||
    (typeof e?.message === 'string' && e.message.includes('wrong last sequence'))
  );
}

class JetStreamKv implements FabricKv {
  readonly #kv: KV;
  readonly #bucket: string;

  constructor(kv: KV, bucket: string) {
    this.#kv = kv;
    this.#bucket = bucket;
  }

  async find(key: string): Promise<KvEntry | undefined> {
    try {
      const entry = await this.#kv.get(key);
      if (entry === null || entry.operation !== 'PUT') return undefined;
      return { value: entry.value, revision: entry.revision };
    } catch (error) {
      throw unavailable(`kv ${this.#bucket}: get '${key}'`, error);
    }
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    try {
      return await this.#kv.put(key, value);
    } catch (error) {
      throw unavailable(`kv ${this.#bucket}: put '${key}'`, error);
    }
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    try {
      return await this.#kv.create(key, value);
    } catch (error) {
      if (isConflict(error))
        throw new TickspaceError(
          'KV_CONFLICT',
          `kv ${this.#bucket}: create of '${key}' refused, the key exists`,
          {
            details: { bucket: this.#bucket, key },
            cause: error,
          },
        );
      throw unavailable(`kv ${this.#bucket}: create '${key}'`, error);
    }
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<number> {
    try {
      return await this.#kv.update(key, value, revision);
    } catch (error) {
      if (isConflict(error))
        throw new TickspaceError(
          'KV_CONFLICT',
          `kv ${this.#bucket}: update of '${key}' at revision ${revision} refused, another write came first`,
          { details: { bucket: this.#bucket, key, expected: revision }, cause: error },
        );
      throw unavailable(`kv ${this.#bucket}: update '${key}'`, error);
    }
  }
}

/** The fabric over a NATS JetStream server (2.9 or later): see {@link createJetStreamFabric}. */
class JetStreamFabric implements Fabric {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #stream: string;
  readonly #streamConfig: StreamConfig;
  readonly #timeoutMs: number;
  readonly #running = new Set<ConsumerMessages>();
  readonly #loops = new Set<Promise<void>>();

  constructor(nc: NatsConnection, jsm: JetStreamManager, streamConfig: StreamConfig, timeoutMs: number) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = jetstream(nc, { timeout: timeoutMs });
    this.#stream = streamConfig.name;
    this.#streamConfig = streamConfig;
    this.#timeoutMs = timeoutMs;
  }

  async publish(subject: string, data: Uint8Array, msgId: string): Promise<PublishAck> {
    try {
      const ack = await this.#js.publish(subject, data, { msgID: msgId, timeout: this.#timeoutMs });
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      throw unavailable(`publish of ${msgId} to ${subject}`, error);
    }
  }

  async consume(options: ConsumerOptions, handler: MessageHandler): Promise<FabricConsumer> {
    const ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    const config = {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: options.subject,
      ack_wait: nanos(ackWaitMs),
    };
    let messages: ConsumerMessages;
    try {
      // Adding an existing durable with the same configuration is a no-op on the server.
      await this.#jsm.consumers.add(this.#stream, config);
      const consumer = await this.#js.consumers.get(this.#stream, options.durable);
      messages = await consumer.consume({ max_messages: 256, idle_heartbeat: 1_000, expires: 5_000 });
    } catch (error) {
      throw unavailable(`consumer ${options.durable} on ${options.subject}`, error);
    }
    this.#running.add(messages);
    // The client keeps asking for a consumer the broker lost (a store wiped or restored from an
    // older copy, an operator's delete) but never creates it again: this does, and the stream too.
    // Its position is lost with it: it starts over from the stream's first message, and the
    // receivers' applied sets take the repeats.
    void (async () => {
      for await (const s of messages.status()) {
        if (s.type !== 'consumer_not_found' && s.type !== 'stream_not_found' && s.type !== 'consumer_deleted')
          continue;
        try {
          await ensureStream(this.#jsm, this.#streamConfig);
          await this.#jsm.consumers.add(this.#stream, config);
        } catch {
          // The broker is away again: the client's next notice tries again.
        }
      }
    })();
    const timeoutMs = this.#timeoutMs;
    const loop = (async () => {
      for await (const m of messages) {
        handler({
          subject: m.subject,
          msgId: m.headers?.get('Nats-Msg-Id') ?? '',
          data: m.data,
          deliveryCount: m.info.deliveryCount,
          ack: async () => {
            let confirmed: boolean;
            try {
              confirmed = await m.ackAck({ timeout: timeoutMs });
            } catch (error) {
              throw unavailable(`ack of ${m.subject} #${m.seq}`, error);
            }
            if (!confirmed)
              throw new TickspaceError('FABRIC_UNAVAILABLE', `ack of ${m.subject} #${m.seq}: not confirmed`);
          },
        });
      }
    })();
    this.#loops.add(loop);
    return {
      stop: async () => {
        this.#running.delete(messages);
        messages.stop();
        await loop.catch(() => {});
        this.#loops.delete(loop);
      },
    };
  }

  send(subject: string, data: Uint8Array): void {
    try {
      this.#nc.publish(subject, data);
    } catch {
      // At most once: a closed or draining connection drops the message, as the broker may.
    }
  }

  async subscribe(subject: string, handler: CoreHandler): Promise<FabricSubscription> {
    let sub: ReturnType<NatsConnection['subscribe']>;
    try {
      sub = this.#nc.subscribe(subject, {
        callback: (error, m) => {
          if (error === null) handler(m.subject, m.data);
        },
      });
      // The server knows the interest once the flush returns: messages sent after it reach us.
      await this.#nc.flush();
    } catch (error) {
      throw unavailable(`subscription to ${subject}`, error);
    }
    return {
      stop: async () => {
        sub.unsubscribe();
      },
    };
  }

  async kv(bucket: string): Promise<FabricKv> {
    try {
      const kv = await new Kvm(this.#js).create(bucket, { history: 1 });
      return new JetStreamKv(kv, bucket);
    } catch (error) {
      throw unavailable(`kv bucket ${bucket}`, error);
    }
  }

  async close(): Promise<void> {
    for (const messages of this.#running) messages.stop();
    this.#running.clear();
    await Promise.allSettled([...this.#loops]);
    await this.#nc.close().catch(() => {});
  }
}

/**
 * Connects to a JetStream server and makes sure the region stream exists (file storage, the
 * dedupe window given), trying again for `connectTimeoutMs`. Once connected it reconnects for
 * ever: a broker restart is a pause, not an error.
 * @throws TickspaceError FABRIC_UNAVAILABLE if no connection and stream set-up succeeded within `connectTimeoutMs`; INVALID_ARGUMENT for a negative one.
 * @example
 * const fabric = await createJetStreamFabric({ servers: broker.url });
 * await fabric.publish('ts.r.east.in', bytes, 'west-17');
 */
export async function createJetStreamFabric(options: JetStreamFabricOptions): Promise<Fabric> {
  const stream = options.stream ?? 'TS_MSG';
  const timeoutMs = options.requestTimeoutMs ?? 2_000;
  const waitMs = options.reconnectWaitMs ?? 250;
  const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
  if (!(connectTimeoutMs >= 0))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `connectTimeoutMs must be 0 or more (Infinity waits for ever), got ${connectTimeoutMs}`,
    );
  const deadline = performance.now() + connectTimeoutMs;
  const config = {
    name: stream,
    subjects: [...(options.subjects ?? ['ts.r.>'])],
    storage: StorageType.File,
    duplicate_window: nanos(options.duplicateWindowMs ?? 120_000),
  };
  for (let attempt = 1; ; attempt++) {
    let nc: NatsConnection | undefined;
    try {
      nc = await connect({
        servers: options.servers,
        name: options.name ?? 'tickspace',
        maxReconnectAttempts: -1,
        reconnectTimeWait: waitMs,
        timeout: timeoutMs,
      });
      const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
      await ensureStream(jsm, config);
      return new JetStreamFabric(nc, jsm, config, timeoutMs);
    } catch (error) {
      await nc?.close().catch(() => {});
      // A broker that refuses, is frozen or answers nothing is tried again until the deadline.
      if (performance.now() + waitMs >= deadline) {
        const what =
          nc === undefined ? `connect to ${options.servers}` : `stream ${stream} on ${options.servers}`;
        throw unavailable(`${what} (${attempt} attempts in connectTimeoutMs ${connectTimeoutMs} ms)`, error);
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** Creates the stream unless it exists; a timeout is thrown, not taken for a missing stream. */
async function ensureStream(jsm: JetStreamManager, config: StreamConfig) {
  try {
    await jsm.streams.info(config.name);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    await jsm.streams.add(config);
  }
}

/** JetStream's `stream not found` (API code 10059). */
function isStreamNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;
}
