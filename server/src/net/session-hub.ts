import { createSubscriptions, type ServerSchema, type Subscriptions } from '../engine/tooling';
import type { Engine, Identity, Logger, ModuleDef } from '../engine';
import { CLOSE_CODES, SCHEMA_CHANGE_VERSION, type ServerConnection } from '../protocol';
import type { AdmitHook } from './admission-hook';
import { createTokenIssuer, type TokenIssuer } from './identity-tokens';
import { resolveLimits, type NetLimits } from './limits';
import { ServerMetrics } from './server-metrics';
import { IDLE_SWEEPS, Session, type SessionHost, type SessionServices } from './session';

/** Why the server closes the sessions: the CLOSE frame's close code, error code and message. */
export interface CloseReason {
  readonly closeCode: number;
  readonly code: string;
  readonly message: string;
}

const SHUTTING_DOWN: CloseReason = {
  closeCode: CLOSE_CODES.GOING_AWAY,
  code: 'SHUTTING_DOWN',
  message: 'the server is shutting down',
};

/** Options for {@link createSessionHub}. */
export interface SessionHubOptions {
  readonly engine: Engine<ModuleDef>;
  /** HMAC key for identity tokens. @default 32 random bytes per process (tokens do not survive a restart) */
  readonly tokenSecret?: string | Uint8Array;
  /** Limit overrides; see {@link NetLimits} for the defaults. */
  readonly limits?: Partial<NetLimits>;
  /** @default console */
  readonly logger?: Logger;
  /** Milliseconds, for rate limiting; injectable so tests never depend on timing. @default performance.now */
  readonly clock?: () => number;
  /**
   * Asked with each authenticated identity before its session is created; a refusal closes
   * the connection with it and nothing of a session is created (see {@link AdmitHook}).
   * @default undefined (everyone is admitted)
   */
  readonly admit?: AdmitHook;
}

/**
 * The transport-agnostic core of the server: it accepts connections of any kind (a `ws` socket, the
 * in-process loopback), runs one {@link Session} per connection, owns the subscription engine and
 * keeps one session per identity (a new connection with the same token replaces the old one).
 * Sessions and subscriptions get the engine's {@link ServerSchema} from here, explicitly.
 */
export class SessionHub implements SessionHost {
  readonly engine: Engine<ModuleDef>;
  /** The schema served: calls decode with it, IDENTITY describes it, subscriptions encode with it (a runtime migration replaces it). */
  schema: ServerSchema;
  /** The subscription engine (a runtime migration moves its queries to the new tables). */
  readonly subscriptions: Subscriptions;
  readonly limits: NetLimits;
  readonly metrics: ServerMetrics;
  readonly tokens: TokenIssuer;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly #all = new Set<Session>();
  readonly #byIdentity = new Map<Identity, Session>();
  /** Sessions with frames queued since the last microtask flush. */
  readonly #toFlush: Session[] = [];
  /** What every session works with (built once: sessions hold it, not the hub). */
  #services: SessionServices;
  readonly #subscriptionOptions: Parameters<typeof createSubscriptions>[1];
  readonly #unhookSchema: () => void;
  #closing = false;
  #idleSweep: ReturnType<typeof setInterval> | undefined;

  constructor(options: SessionHubOptions) {
    this.engine = options.engine;
    this.limits = resolveLimits(options.limits);
    this.logger = options.logger ?? console;
    this.clock = options.clock ?? (() => performance.now());
    this.tokens = createTokenIssuer(options.tokenSecret);
    this.schema = options.engine.schema;
    this.#subscriptionOptions = {
      maxSubscriptionsPerClient: this.limits.maxSubscriptions,
      maxQueryCells: this.limits.maxQueryCells,
      maxLodEvery: this.limits.maxLodEvery,
      visibilityBudgetMs: this.limits.visibilityBudgetMs,
      highWatermarkBytes: this.limits.highWatermarkBytes,
      lowWatermarkBytes: this.limits.lowWatermarkBytes,
      maxCongestedTicks: this.limits.maxCongestedTicks,
      logger: this.logger,
      // The sink is the session itself (addClient(identity, session)): no search among sessions.
      onCongestionLimit: (_handle, sink) => this.#congested(sink as Session),
    };
    this.subscriptions = createSubscriptions(options.engine, {
      ...this.#subscriptionOptions,
      schema: this.schema,
    });
    this.metrics = new ServerMetrics(options.engine, this);
    this.#unhookSchema = options.engine.onSchemaChange((schema, reshaped) =>
      this.#schemaChanged(schema, reshaped),
    );
    this.#services = {
      schema: this.schema,
      engine: this.engine,
      subscriptions: this.subscriptions,
      limits: this.limits,
      metrics: this.metrics,
      tokens: this.tokens,
      logger: this.logger,
      clock: this.clock,
      admit: options.admit,
    };
    this.#startIdleSweep();
  }

  /**
   * A runtime migration's boundary (before the tick's calls run): sessions stay open. Clients of
   * protocol version 4 and later are sent SCHEMA by the subscriptions, in order with their other
   * frames, and have their reshaped tables re-sent after the tick; their session decodes with the
   * old schema until the client's SCHEMA_ACK. Older clients cannot read SCHEMA: they are closed with
   * SCHEMA_CHANGED and reconnect for the new schema. Sessions opened from now on get the new one.
   */
  #schemaChanged(schema: ServerSchema, reshaped: readonly string[]): void {
    for (const s of [...this.#all])
      if (!s.isClosed && s.identity !== undefined && s.protocolVersion < SCHEMA_CHANGE_VERSION)
        s.close(
          CLOSE_CODES.SCHEMA_CHANGED,
          'SCHEMA_CHANGED',
          `the module was published with a new schema (version ${schema.version}); protocol version ${s.protocolVersion} cannot follow it in band: reconnect for it`,
        );
    this.subscriptions.migrate(schema, reshaped);
    for (const s of this.#all) s.schemaChanged(schema);
    this.schema = schema;
    this.#services = { ...this.#services, schema };
  }

  /** One timer for every session's idle check: no per-session timer, no clock read per frame. */
  #startIdleSweep(): void {
    const periodMs = this.limits.idleTimeoutMs / IDLE_SWEEPS;
    if (!Number.isFinite(periodMs)) return;
    let lastMs = performance.now();
    this.#idleSweep = setInterval(() => {
      const now = performance.now();
      const late = now - lastMs > 2 * periodMs;
      lastMs = now;
      for (const s of [...this.#all]) s.sweepIdle(late);
    }, periodMs);
    this.#idleSweep.unref?.();
  }

  #congested(session: Session): void {
    session.close(
      CLOSE_CODES.BACKPRESSURE,
      'SLOW_CONSUMER',
      `updates coalesced for more than ${this.limits.maxCongestedTicks} ticks (maxCongestedTicks)`,
    );
  }

  /**
   * Starts a session on a new connection; feed it the connection's frames and its end.
   * Over `maxClients`, or while shutting down, the connection is closed at once.
   */
  accept(conn: ServerConnection): Session {
    const session = new Session(this.#services, this, conn);
    if (this.#closing) session.close(CLOSE_CODES.GOING_AWAY, 'SHUTTING_DOWN', 'the server is shutting down');
    else if (this.#all.size >= this.limits.maxClients) {
      this.metrics.rejectedFrames.inc({ code: 'SERVER_FULL' });
      session.close(
        CLOSE_CODES.TRY_AGAIN_LATER,
        'SERVER_FULL',
        `the server holds maxClients (${this.limits.maxClients}) connections`,
      );
    } else this.#all.add(session);
    return session;
  }

  /**
   * Called by a session when it queues its first frame since its last flush: one microtask sends
   * every session's queued frames. A tick's fan-out and call results all run synchronously before
   * it, so each session's share of the tick leaves as one message.
   */
  flushSoon(session: Session): void {
    if (this.#toFlush.push(session) === 1) queueMicrotask(this.#flushAll);
  }

  readonly #flushAll = (): void => {
    const list = this.#toFlush;
    for (let i = 0; i < list.length; i++)
      try {
        list[i]!.flushQueued();
      } catch (error) {
        this.logger.error('failed to send a session its queued frames', error);
      }
    list.length = 0;
  };

  /** Called by a session once its handshake names an identity: an older session of it is replaced. */
  register(session: Session): void {
    const id = session.identity!;
    const old = this.#byIdentity.get(id);
    if (old !== undefined && old !== session)
      old.close(CLOSE_CODES.REPLACED, 'SESSION_REPLACED', 'another connection took over this identity');
    this.#byIdentity.set(id, session);
    this.metrics.clients.set(this.#byIdentity.size);
  }

  /** Called by a session when it closes. */
  unregister(session: Session): void {
    this.#all.delete(session);
    const id = session.identity;
    if (id !== undefined && this.#byIdentity.get(id) === session) this.#byIdentity.delete(id);
    this.metrics.clients.set(this.#byIdentity.size);
  }

  /** Sessions that completed the handshake. */
  get clientCount(): number {
    return this.#byIdentity.size;
  }

  /** All open connections, handshaking ones included. */
  get connectionCount(): number {
    return this.#all.size;
  }

  /** Every open connection, handshaking ones included (a copy: the admin console lists them). */
  sessions(): Session[] {
    return [...this.#all];
  }

  /** The session of an identity, if connected. */
  session(identity: Identity): Session | undefined {
    return this.#byIdentity.get(identity);
  }

  /**
   * Refuses new connections, closes every session (by default with GOING_AWAY / SHUTTING_DOWN; the
   * server names another reason when it stops on a fault) and unhooks the subscription engine.
   * Each open session queues its disconnect lifecycle call: the next tick runs them.
   */
  close(reason: CloseReason = SHUTTING_DOWN): void {
    this.#closing = true;
    clearInterval(this.#idleSweep);
    for (const s of [...this.#all]) s.close(reason.closeCode, reason.code, reason.message);
    this.subscriptions.dispose();
    this.#unhookSchema();
  }
}

/**
 * Creates a session hub over an engine. {@link createServer} makes one; use it directly to serve
 * in-process clients through {@link createLoopbackTransport} without any socket.
 * @example
 * const hub = createSessionHub({ engine, tokenSecret: randomBytes(32) });
 * const conn = await connect({ transport: createLoopbackTransport(hub) });
 */
export function createSessionHub(options: SessionHubOptions): SessionHub {
  return new SessionHub(options);
}
