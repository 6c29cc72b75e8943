import type { CallResult, Engine, Identity, Logger, ModuleDef } from '../engine';
import type { ServerSchema, Subscriptions } from '../engine/tooling';
import {
  CLIENT_MESSAGE,
  CLOSE_CODES,
  decodeBatch,
  decodeClientMessage,
  describeQuery,
  encodeClose,
  encodeError,
  encodeIdentity,
  encodePong,
  encodeResult,
  encodeSubscribeError,
  MessageCork,
  OLDEST_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  queryFeature,
  SERVER_MESSAGE,
  TickspaceError,
  type ClientMessage,
  type CorkLimits,
  type Query,
  type ServerConnection,
  type SessionInput,
} from '../protocol';
import { ClientSchema } from './client-schema';
import type { TokenIssuer } from './identity-tokens';
import { askAdmission, type AdmitHook } from './admission-hook';
import type { NetLimits } from './limits';
import { RateLimiter } from './rate-limiter';
import { resultFrame } from './result-frame';
import type { ServerMetrics } from './server-metrics';
import { SubscribeAdmission } from './subscribe-admission';

const STATE = { HANDSHAKE: 0, OPEN: 1, CLOSED: 2 } as const;
/** Idle sweeps per `idleTimeoutMs`: a silent session is closed between 1 and 1.25 times the timeout. */
export const IDLE_SWEEPS = 4;
type State = (typeof STATE)[keyof typeof STATE];

/** Largest BATCH the server builds, bytes: a message near this size leaves on its own instead of being copied. */
const OUTBOUND_BATCH_BYTES = 256 * 1024;
/** Version 1 clients do not speak BATCH. */
const UNBATCHED: CorkLimits = { maxMessages: 1, maxBytes: OUTBOUND_BATCH_BYTES };
const BATCHED: CorkLimits = { maxMessages: Number.MAX_SAFE_INTEGER, maxBytes: OUTBOUND_BATCH_BYTES };

/**
 * What a session works with, handed to it explicitly: one object per server (the hub builds it),
 * shared by every session. A new module version's schema arrives as a new object.
 */
export interface SessionServices {
  /** What calls are decoded with, what IDENTITY describes, and the reducer table calls resolve through. */
  readonly schema: ServerSchema;
  readonly engine: Engine<ModuleDef>;
  readonly subscriptions: Subscriptions;
  readonly limits: NetLimits;
  readonly metrics: ServerMetrics;
  readonly tokens: TokenIssuer;
  readonly logger: Logger;
  /** Milliseconds, for rate limiting. */
  readonly clock: () => number;
  /** The hub's admission hook, if any: asked before a session opens. */
  readonly admit: AdmitHook | undefined;
}

/** The session's owner: one session per identity, and one microtask flush for every session. */
export interface SessionHost {
  /** The handshake named an identity: an older session of it is replaced. */
  register(session: Session): void;
  /** The session closed. */
  unregister(session: Session): void;
  /** The session queued its first frame since its last flush. */
  flushSoon(session: Session): void;
}

/**
 * One client connection, whatever carries it (a `ws` socket or the in-process loopback): the
 * handshake, every frame validated and answered, calls rate-limited, subscriptions handed to the
 * subscription engine, and the close. It is also the subscription engine's sink for this client.
 *
 * Outgoing frames are corked: the answers to one client frame leave when the session is done with
 * it, and a tick's delivery (its TICK_UPDATE, the results of its calls) leaves in a microtask after
 * the fan-out, so a version 2 client gets one WebSocket message per tick, in the order queued.
 */
export class Session implements SessionInput {
  /** The schema the client encodes its frames with, across runtime migrations. */
  readonly #schema: ClientSchema;
  readonly #engine: Engine<ModuleDef>;
  readonly #subscriptions: Subscriptions;
  readonly #limits: NetLimits;
  readonly #metrics: ServerMetrics;
  readonly #tokens: TokenIssuer;
  readonly #admit: AdmitHook | undefined;
  readonly #logger: Logger;
  readonly #host: SessionHost;
  readonly #conn: ServerConnection;
  readonly #limiter: RateLimiter;
  readonly #admission: SubscribeAdmission;
  /** Answer bytes held when the client frame being handled arrived (for maxFrameCorkBytes). */
  #frameStartBytes = 0;
  #state: State = STATE.HANDSHAKE;
  #identity: Identity | undefined;
  #handle = 0;
  #badFrames = 0;
  #rateLimited = 0;
  #pendingCalls = 0;
  /** Whether the client speaks BATCH (protocol version 2). */
  #batching = false;
  #version: number = PROTOCOL_VERSION;
  readonly #cork = new MessageCork(SERVER_MESSAGE.BATCH, UNBATCHED);
  #flushQueued = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Whether a frame arrived since the hub's last idle sweep, and how many sweeps in a row found none. */
  #heard = false;
  #silentSweeps = 0;

  constructor(services: SessionServices, host: SessionHost, conn: ServerConnection) {
    this.#schema = new ClientSchema(services.schema);
    this.#engine = services.engine;
    this.#subscriptions = services.subscriptions;
    this.#limits = services.limits;
    this.#metrics = services.metrics;
    this.#tokens = services.tokens;
    this.#admit = services.admit;
    this.#logger = services.logger;
    this.#host = host;
    this.#conn = conn;
    const l = services.limits;
    this.#limiter = new RateLimiter(l.callsPerSecond, l.callBurst, services.clock);
    this.#admission = new SubscribeAdmission(l, services.clock);
    this.#timer = setTimeout(
      () =>
        this.close(
          CLOSE_CODES.HANDSHAKE_TIMEOUT,
          'HANDSHAKE_TIMEOUT',
          `no CONNECT within ${l.handshakeTimeoutMs} ms`,
        ),
      l.handshakeTimeoutMs,
    );
    this.#timer.unref?.();
  }

  /** The protocol version agreed in the handshake (the newest before it). */
  get protocolVersion(): number {
    return this.#version;
  }

  /**
   * A runtime migration's new schema: a session still in its handshake will describe it in
   * IDENTITY; an open one has been sent it in SCHEMA (by the subscriptions) and decodes the
   * client's frames with the old one until the client's SCHEMA_ACK.
   */
  schemaChanged(schema: ServerSchema): void {
    if (this.#state === STATE.HANDSHAKE) this.#schema.replace(schema);
    else if (this.#state === STATE.OPEN) this.#schema.announce(schema);
  }

  /** The subscription engine's handle of this client (0 before the handshake). */
  get handle(): number {
    return this.#handle;
  }

  /** The client's identity, once the handshake is done. */
  get identity(): Identity | undefined {
    return this.#identity;
  }

  /** The peer's address as the transport reports it (undefined in process). */
  get remoteAddress(): string | undefined {
    return this.#conn.remoteAddress;
  }

  /** Whether the session is closed. */
  get isClosed(): boolean {
    return this.#state === STATE.CLOSED;
  }

  /** Bytes queued on the connection and in the cork (the subscription engine's backpressure signal). */
  get bufferedAmount(): number {
    return this.#conn.bufferedAmount + this.#cork.bytes;
  }

  /** Answers built and not yet handed to the connection: corked here, or waiting in the subscription engine for their tick. */
  #answerBytes(): number {
    return this.#cork.bytes + (this.#handle === 0 ? 0 : this.#subscriptions.queuedBytes(this.#handle));
  }

  /** Closes the client (4003) once what is held for it passes maxBufferedBytes; returns whether it did. */
  #overBufferLimit(): boolean {
    const limit = this.#limits.maxBufferedBytes;
    const held = this.#conn.bufferedAmount + this.#answerBytes();
    if (held <= limit) return false;
    this.close(
      CLOSE_CODES.BACKPRESSURE,
      'SLOW_CONSUMER',
      `${held} bytes held for the client, more than maxBufferedBytes (${limit})`,
    );
    return true;
  }

  /**
   * Queues one frame (an owned copy: the session keeps the reference until it leaves). It leaves
   * at the end of the client frame being handled, or in a microtask: with the rest of the tick.
   */
  send(frame: Uint8Array): void {
    if (this.#state === STATE.CLOSED) return;
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      this.#host.flushSoon(this);
    }
    this.#cork.add(frame);
  }

  /** The hub's microtask: sends what was queued since. */
  flushQueued(): void {
    this.#flushQueued = false;
    this.#flush();
  }

  /** Sends the queued frames (one BATCH for a version 2 client), unless the client is past the hard buffer limit (then it is closed). */
  #flush(): void {
    if (this.#state === STATE.CLOSED || this.#cork.count === 0) return;
    if (this.#overBufferLimit()) return;
    this.#cork.drain(this.#write);
  }

  readonly #write = (frame: Uint8Array): void => {
    this.#metrics.bytesOut.inc(frame.length);
    this.#metrics.messagesOut.inc();
    this.#conn.send(frame);
  };

  /** Handles one binary frame from the client (a message or a BATCH of them). Never throws. */
  receive(frame: Uint8Array): void {
    if (this.#state === STATE.CLOSED) return;
    this.#heard = true;
    this.#metrics.messagesIn.inc();
    this.#metrics.bytesIn.inc(frame.length);
    if (frame.length > this.#limits.maxFrameBytes) {
      this.#metrics.rejectedFrames.inc({ code: 'FRAME_TOO_LARGE' });
      this.close(
        CLOSE_CODES.MESSAGE_TOO_BIG,
        'FRAME_TOO_LARGE',
        `frame of ${frame.length} bytes exceeds maxFrameBytes (${this.#limits.maxFrameBytes})`,
      );
      return;
    }
    this.#frameStartBytes = this.#answerBytes();
    if (frame[0] === CLIENT_MESSAGE.BATCH) this.#receiveBatch(frame);
    else this.#receiveMessage(frame);
    this.#flush();
  }

  /**
   * A BATCH: its envelope is checked whole first (a malformed one is one refused frame and none of
   * its messages runs), then each message is handled exactly as if it had come alone: rate limits,
   * pending calls and refusals count per message. What is held for the client is checked after
   * each message, so one frame cannot take it past maxBufferedBytes.
   */
  #receiveBatch(frame: Uint8Array): void {
    if (this.#state === STATE.HANDSHAKE) {
      this.#metrics.rejectedFrames.inc({ code: 'PROTOCOL_ERROR' });
      this.close(CLOSE_CODES.PROTOCOL_ERROR, 'PROTOCOL_ERROR', 'the first frame must be CONNECT, got BATCH');
      return;
    }
    let messages: Uint8Array[];
    try {
      if (!this.#batching)
        throw new TickspaceError(
          'MALFORMED_FRAME',
          `BATCH needs protocol version 2; this connection speaks version 1`,
        );
      messages = decodeBatch(frame, CLIENT_MESSAGE.BATCH, this.#limits.maxBatchMessages);
    } catch (error) {
      this.#refuse(error);
      return;
    }
    for (let i = 0; i < messages.length && this.#state !== STATE.CLOSED; i++) {
      this.#receiveMessage(messages[i]!);
      if (this.#overBufferLimit()) return;
    }
  }

  #receiveMessage(frame: Uint8Array): void {
    let msg: ClientMessage;
    try {
      msg = decodeClientMessage(frame, this.#schema.current.wire);
    } catch (error) {
      this.#refuse(error);
      return;
    }
    try {
      this.#dispatch(msg);
    } catch (error) {
      // A server fault while handling a valid frame: log it, keep the connection.
      this.#logger.error(
        `session ${this.#identity ?? '(handshake)'}: failed to handle a ${msg.type} frame`,
        error,
      );
      this.#sendError('INTERNAL', 'the server failed to handle the frame');
    }
  }

  /** A text frame: the protocol is binary only. */
  rejectText(): void {
    this.#metrics.rejectedFrames.inc({ code: 'PROTOCOL_ERROR' });
    this.close(
      CLOSE_CODES.UNSUPPORTED_DATA,
      'PROTOCOL_ERROR',
      'text frames are not part of the protocol; send binary frames',
    );
  }

  #dispatch(msg: ClientMessage): void {
    if (this.#state === STATE.HANDSHAKE) {
      if (msg.type !== 'connect') {
        this.#metrics.rejectedFrames.inc({ code: 'PROTOCOL_ERROR' });
        this.close(
          CLOSE_CODES.PROTOCOL_ERROR,
          'PROTOCOL_ERROR',
          `the first frame must be CONNECT, got ${msg.type}`,
        );
        return;
      }
      this.#connect(msg.version, msg.token);
      return;
    }
    switch (msg.type) {
      case 'connect':
        this.#strike('PROTOCOL_ERROR', 'CONNECT sent twice');
        return;
      case 'call':
        this.#call(msg.requestId, msg.reducerId, msg.args);
        return;
      case 'subscribe':
        this.#subscribe(msg.queryId, msg.query);
        return;
      case 'unsubscribe':
        try {
          this.#subscriptions.unsubscribe(this.#handle, msg.queryId, this.#admission.unsubscribe());
        } catch (error) {
          this.#refuse(error, msg.queryId);
        }
        return;
      case 'ping':
        this.send(encodePong(msg.nonce, this.#subscriptions.fannedOutTick));
        return;
      case 'schemaAck':
        try {
          this.#schema.acknowledge(msg.version);
        } catch (error) {
          this.#refuse(error);
        }
        return;
    }
  }

  #connect(version: number, token: string): void {
    if (version < OLDEST_PROTOCOL_VERSION || version > PROTOCOL_VERSION) {
      this.close(
        CLOSE_CODES.UNSUPPORTED_VERSION,
        'UNSUPPORTED_VERSION',
        `protocol version ${version} is not supported (server speaks ${OLDEST_PROTOCOL_VERSION} to ${PROTOCOL_VERSION})`,
      );
      return;
    }
    let identity: Identity;
    if (token === '') identity = this.#tokens.newIdentity();
    else {
      const verified = this.#tokens.verify(token);
      if (verified === undefined) {
        this.close(
          CLOSE_CODES.INVALID_TOKEN,
          'INVALID_TOKEN',
          'the token does not verify: connect without a token for a new identity',
        );
        return;
      }
      identity = verified;
    }
    const refusal = askAdmission(this.#admit, identity, this.#logger);
    if (refusal !== undefined) {
      this.#metrics.refusedConnections.inc({ code: refusal.code });
      this.close(refusal.closeCode, refusal.code, refusal.message);
      return;
    }
    clearTimeout(this.#timer);
    this.#batching = version >= 2;
    this.#version = version;
    this.#cork.setLimits(this.#batching ? BATCHED : UNBATCHED);
    this.#identity = identity;
    this.#state = STATE.OPEN;
    this.#host.register(this);
    this.#handle = this.#subscriptions.addClient(identity, this);
    this.#engine.connect(identity);
    this.send(
      encodeIdentity(
        identity,
        this.#tokens.issue(identity),
        this.#subscriptions.fannedOutTick,
        this.#schema.current.descriptor,
      ),
    );
  }

  /** A SUBSCRIBE, admitted by its costs ({@link SubscribeAdmission}) and the client's version. */
  #subscribe(queryId: number, query: Query): void {
    const refusal = this.#admission.admit(query, this.#answerBytes() - this.#frameStartBytes);
    if (refusal !== undefined) {
      this.#rateLimitedSubscribe(queryId, refusal);
      return;
    }
    const needs = queryFeature(query);
    if (needs !== undefined && this.#version < needs.version) {
      const why = `protocol version ${this.#version} has no ${needs.feature} (version ${needs.version} has)`;
      this.#refuse(new TickspaceError('INVALID_QUERY', `SUBSCRIBE ${describeQuery(query)}: ${why}`), queryId);
      return;
    }
    try {
      this.#subscriptions.subscribe(this.#handle, queryId, query, (cost) =>
        this.#admission.charge(query, cost.rows + cost.cells),
      );
    } catch (error) {
      if (error instanceof TickspaceError && error.code === 'RATE_LIMITED')
        this.#rateLimitedSubscribe(queryId, error.message);
      else this.#refuse(error, queryId);
    }
  }

  #rateLimitedSubscribe(queryId: number, message: string): void {
    this.#rateLimitedAnswer(encodeSubscribeError(queryId, 'RATE_LIMITED', message));
  }

  /** Sends the refusal of a rate-limited request; too many of them close the connection. */
  #rateLimitedAnswer(answer: Uint8Array): void {
    this.#metrics.rejectedFrames.inc({ code: 'RATE_LIMITED' });
    this.send(answer);
    if (++this.#rateLimited > this.#limits.maxRateLimitedCalls)
      this.close(
        CLOSE_CODES.POLICY_VIOLATION,
        'ABUSE',
        `more than ${this.#limits.maxRateLimitedCalls} rate-limited requests (maxRateLimitedCalls)`,
      );
  }

  #call(requestId: number, reducerId: number, args: Record<string, unknown>): void {
    if (!this.#limiter.take()) {
      this.#rateLimitedAnswer(
        encodeResult(requestId, {
          ok: false,
          code: 'RATE_LIMITED',
          message: `more than ${this.#limits.callsPerSecond} calls per second (burst ${this.#limits.callBurst})`,
        }),
      );
      return;
    }
    if (this.#pendingCalls >= this.#limits.maxPendingCalls) {
      this.#metrics.rejectedFrames.inc({ code: 'RATE_LIMITED' });
      this.send(
        encodeResult(requestId, {
          ok: false,
          code: 'RATE_LIMITED',
          message: `more than ${this.#limits.maxPendingCalls} calls awaiting results (maxPendingCalls)`,
        }),
      );
      return;
    }
    const onResult = (result: CallResult) => {
      this.#pendingCalls--;
      this.send(
        resultFrame(
          requestId,
          reducerId,
          result,
          this.#version,
          this.#limits.maxReturnBytes,
          this.#schema.current.wire,
        ),
      );
    };
    try {
      this.#pendingCalls++;
      this.#schema.enqueue(this.#engine, this.#identity!, reducerId, args, onResult);
    } catch (error) {
      this.#pendingCalls--;
      this.#refuse(error, undefined, requestId);
    }
  }

  /** Answers a refused frame (to the request or query it names, else as ERROR) and counts a strike. */
  #refuse(error: unknown, queryId?: number, forRequest?: number): void {
    if (!(error instanceof TickspaceError)) {
      this.#logger.error(
        `session ${this.#identity ?? '(handshake)'}: unexpected error on a client frame`,
        error,
      );
      this.#strike('INTERNAL', 'the server failed to handle the frame');
      return;
    }
    const requestId = forRequest ?? error.details.requestId;
    const qid = queryId ?? error.details.queryId;
    this.#metrics.rejectedFrames.inc({ code: error.code });
    if (this.#state === STATE.HANDSHAKE) {
      this.close(CLOSE_CODES.PROTOCOL_ERROR, error.code, `handshake refused: ${error.message}`);
      return;
    }
    if (typeof requestId === 'number')
      this.send(encodeResult(requestId, { ok: false, code: error.code, message: error.message }));
    else if (typeof qid === 'number') this.send(encodeSubscribeError(qid, error.code, error.message));
    else this.#sendError(error.code, error.message);
    this.#count();
  }

  #strike(code: string, message: string): void {
    this.#metrics.rejectedFrames.inc({ code });
    this.#sendError(code, message);
    this.#count();
  }

  #count(): void {
    if (++this.#badFrames > this.#limits.maxBadFrames)
      this.close(
        CLOSE_CODES.POLICY_VIOLATION,
        'ABUSE',
        `more than ${this.#limits.maxBadFrames} refused frames (maxBadFrames)`,
      );
  }

  #sendError(code: string, message: string): void {
    this.send(encodeError(code, message));
  }

  /**
   * The hub's idle sweep, every quarter of `idleTimeoutMs`: an open session that four sweeps in a
   * row found silent is closed with IDLE_TIMEOUT. A sweep that ran late (the event loop stalled:
   * frames may be waiting unread) does not count as silent.
   */
  sweepIdle(late: boolean): void {
    if (this.#state !== STATE.OPEN || this.#conn.inProcess === true) return;
    if (this.#heard) this.#silentSweeps = 0;
    else if (!late && ++this.#silentSweeps >= IDLE_SWEEPS)
      this.close(
        CLOSE_CODES.IDLE_TIMEOUT,
        'IDLE_TIMEOUT',
        `no frame for idleTimeoutMs (${this.#limits.idleTimeoutMs} ms): the SDK sends PING when it has nothing else to send`,
      );
    this.#heard = false;
  }

  /**
   * Sends CLOSE with the reason, closes the connection and releases everything the session holds.
   * Idempotent.
   */
  close(closeCode: number, code: string, message: string): void {
    if (this.#state === STATE.CLOSED) return;
    const limit = this.#limits.maxBufferedBytes;
    // A client held over the limit does not get the answers queued for it: only the CLOSE.
    if (this.#conn.bufferedAmount + this.#cork.bytes > limit) this.#cork.clear();
    // What was queued goes first: the CLOSE is the last thing the client reads.
    if (this.#conn.bufferedAmount <= limit) {
      this.#cork.add(encodeClose(closeCode, code, message));
      this.#cork.drain(this.#write);
    }
    // WebSocket close reasons are limited to 123 bytes; the CLOSE frame carries the full message.
    this.#conn.close(closeCode, code);
    this.closed(closeCode, code);
  }

  /** The connection ended: unregisters, drops subscriptions, queues the disconnect lifecycle call. */
  closed(code: number, _reason: string): void {
    if (this.#state === STATE.CLOSED) return;
    const wasOpen = this.#state === STATE.OPEN;
    this.#state = STATE.CLOSED;
    this.#cork.clear();
    clearTimeout(this.#timer);
    this.#metrics.disconnects.inc({ code: String(code) });
    this.#host.unregister(this);
    if (wasOpen) {
      this.#subscriptions.removeClient(this.#handle);
      this.#engine.disconnect(this.#identity!);
    }
  }
}
