import type { Identity } from '../engine';
import {
  CLOSE_CODES,
  decodeClientMessage,
  encodeClose,
  encodeError,
  encodeIdentity,
  encodePong,
  encodeResult,
  encodeSubscribeError,
  PROTOCOL_VERSION,
  TickspaceError,
  type ClientMessage,
  type ServerConnection,
  type SessionInput,
} from '../protocol';
import { RateLimiter } from './rate-limiter';
import type { SessionHub } from './session-hub';

const STATE = { HANDSHAKE: 0, OPEN: 1, CLOSED: 2 } as const;
type State = (typeof STATE)[keyof typeof STATE];

/**
 * One client connection, whatever carries it (a `ws` socket or the in-process loopback): the
 * handshake, every frame validated and answered, calls rate-limited, subscriptions handed to the
 * subscription engine, and the close. It is also the subscription engine's sink for this client.
 */
export class Session implements SessionInput {
  readonly #hub: SessionHub;
  readonly #conn: ServerConnection;
  readonly #limiter: RateLimiter;
  #state: State = STATE.HANDSHAKE;
  #identity: Identity | undefined;
  #handle = 0;
  #badFrames = 0;
  #rateLimited = 0;
  #pendingCalls = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(hub: SessionHub, conn: ServerConnection) {
    this.#hub = hub;
    this.#conn = conn;
    const l = hub.limits;
    this.#limiter = new RateLimiter(l.callsPerSecond, l.callBurst, hub.clock);
    this.#timer = setTimeout(() => this.close(CLOSE_CODES.HANDSHAKE_TIMEOUT, 'HANDSHAKE_TIMEOUT', `no CONNECT within ${l.handshakeTimeoutMs} ms`), l.handshakeTimeoutMs);
    this.#timer.unref?.();
  }

  /** The subscription engine's handle of this client (0 before the handshake). */
  get handle(): number {
    return this.#handle;
  }

  /** The client's identity, once the handshake is done. */
  get identity(): Identity | undefined {
    return this.#identity;
  }

  /** Whether the session is closed. */
  get isClosed(): boolean {
    return this.#state === STATE.CLOSED;
  }

  /** Bytes queued on the connection (the subscription engine's backpressure signal). */
  get bufferedAmount(): number {
    return this.#conn.bufferedAmount;
  }

  /** Sends one frame, unless the client is already past the hard buffer limit (then it is closed). */
  send(frame: Uint8Array): void {
    if (this.#state === STATE.CLOSED) return;
    if (this.#conn.bufferedAmount > this.#hub.limits.maxBufferedBytes) {
      this.close(CLOSE_CODES.BACKPRESSURE, 'SLOW_CONSUMER', `send buffer over maxBufferedBytes (${this.#hub.limits.maxBufferedBytes})`);
      return;
    }
    this.#hub.metrics.bytesOut.inc(frame.length);
    this.#hub.metrics.messagesOut.inc();
    this.#conn.send(frame);
  }

  /** Handles one binary frame from the client. Never throws. */
  receive(frame: Uint8Array): void {
    if (this.#state === STATE.CLOSED) return;
    const hub = this.#hub;
    hub.metrics.messagesIn.inc();
    hub.metrics.bytesIn.inc(frame.length);
    if (frame.length > hub.limits.maxFrameBytes) {
      hub.metrics.rejectedFrames.inc({ code: 'FRAME_TOO_LARGE' });
      this.close(CLOSE_CODES.MESSAGE_TOO_BIG, 'FRAME_TOO_LARGE', `frame of ${frame.length} bytes exceeds maxFrameBytes (${hub.limits.maxFrameBytes})`);
      return;
    }
    let msg: ClientMessage;
    try {
      msg = decodeClientMessage(frame, hub.subscriptions.schema);
    } catch (error) {
      this.#refuse(error);
      return;
    }
    try {
      this.#dispatch(msg);
    } catch (error) {
      // A server fault while handling a valid frame: log it, keep the connection.
      hub.logger.error(`session ${this.#identity ?? '(handshake)'}: failed to handle a ${msg.type} frame`, error);
      this.#sendError('INTERNAL', 'the server failed to handle the frame');
    }
  }

  /** A text frame: the protocol is binary only. */
  rejectText(): void {
    this.#hub.metrics.rejectedFrames.inc({ code: 'PROTOCOL_ERROR' });
    this.close(CLOSE_CODES.UNSUPPORTED_DATA, 'PROTOCOL_ERROR', 'text frames are not part of the protocol; send binary frames');
  }

  #dispatch(msg: ClientMessage): void {
    if (this.#state === STATE.HANDSHAKE) {
      if (msg.type !== 'connect') {
        this.#hub.metrics.rejectedFrames.inc({ code: 'PROTOCOL_ERROR' });
        this.close(CLOSE_CODES.PROTOCOL_ERROR, 'PROTOCOL_ERROR', `the first frame must be CONNECT, got ${msg.type}`);
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
        try {
          this.#hub.subscriptions.subscribe(this.#handle, msg.queryId, msg.query);
        } catch (error) {
          this.#refuse(error, msg.queryId);
        }
        return;
      case 'unsubscribe':
        try {
          this.#hub.subscriptions.unsubscribe(this.#handle, msg.queryId);
        } catch (error) {
          this.#refuse(error, msg.queryId);
        }
        return;
      case 'ping':
        this.send(encodePong(msg.nonce, this.#hub.subscriptions.fannedOutTick));
        return;
    }
  }

  #connect(version: number, token: string): void {
    const hub = this.#hub;
    if (version !== PROTOCOL_VERSION) {
      this.close(CLOSE_CODES.UNSUPPORTED_VERSION, 'UNSUPPORTED_VERSION', `protocol version ${version} is not supported (server speaks ${PROTOCOL_VERSION})`);
      return;
    }
    let identity: Identity;
    if (token === '') identity = hub.tokens.newIdentity();
    else {
      const verified = hub.tokens.verify(token);
      if (verified === undefined) {
        this.close(CLOSE_CODES.INVALID_TOKEN, 'INVALID_TOKEN', 'the token does not verify: connect without a token for a new identity');
        return;
      }
      identity = verified;
    }
    clearTimeout(this.#timer);
    this.#identity = identity;
    this.#state = STATE.OPEN;
    hub.register(this);
    this.#handle = hub.subscriptions.addClient(identity, this);
    hub.engine.connect(identity);
    this.send(encodeIdentity(identity, hub.tokens.issue(identity), hub.subscriptions.fannedOutTick, hub.subscriptions.descriptor));
  }

  #call(requestId: number, reducerId: number, args: Record<string, unknown>): void {
    const hub = this.#hub;
    const reducer = hub.subscriptions.schema.reducer(reducerId)!;
    if (!this.#limiter.take()) {
      hub.metrics.rejectedFrames.inc({ code: 'RATE_LIMITED' });
      this.send(encodeResult(requestId, { ok: false, code: 'RATE_LIMITED', message: `more than ${hub.limits.callsPerSecond} calls per second (burst ${hub.limits.callBurst})` }));
      if (++this.#rateLimited > hub.limits.maxRateLimitedCalls)
        this.close(CLOSE_CODES.POLICY_VIOLATION, 'ABUSE', `more than ${hub.limits.maxRateLimitedCalls} rate-limited calls (maxRateLimitedCalls)`);
      return;
    }
    if (this.#pendingCalls >= hub.limits.maxPendingCalls) {
      hub.metrics.rejectedFrames.inc({ code: 'RATE_LIMITED' });
      this.send(encodeResult(requestId, { ok: false, code: 'RATE_LIMITED', message: `more than ${hub.limits.maxPendingCalls} calls awaiting results (maxPendingCalls)` }));
      return;
    }
    try {
      this.#pendingCalls++;
      hub.engine.enqueue(this.#identity!, reducer.name, args, (result) => {
        this.#pendingCalls--;
        this.send(encodeResult(requestId, result));
      });
    } catch (error) {
      this.#pendingCalls--;
      this.#refuse(error, undefined, requestId);
    }
  }

  /** Answers a refused frame (to the request or query it names, else as ERROR) and counts a strike. */
  #refuse(error: unknown, queryId?: number, forRequest?: number): void {
    if (!(error instanceof TickspaceError)) {
      this.#hub.logger.error(`session ${this.#identity ?? '(handshake)'}: unexpected error on a client frame`, error);
      this.#strike('INTERNAL', 'the server failed to handle the frame');
      return;
    }
    const requestId = forRequest ?? error.details.requestId;
    const qid = queryId ?? error.details.queryId;
    this.#hub.metrics.rejectedFrames.inc({ code: error.code });
    if (this.#state === STATE.HANDSHAKE) {
      this.close(CLOSE_CODES.PROTOCOL_ERROR, error.code, `handshake refused: ${error.message}`);
      return;
    }
    if (typeof requestId === 'number') this.send(encodeResult(requestId, { ok: false, code: error.code, message: error.message }));
    else if (typeof qid === 'number') this.send(encodeSubscribeError(qid, error.code, error.message));
    else this.#sendError(error.code, error.message);
    this.#count();
  }

  #strike(code: string, message: string): void {
    this.#hub.metrics.rejectedFrames.inc({ code });
    this.#sendError(code, message);
    this.#count();
  }

  #count(): void {
    if (++this.#badFrames > this.#hub.limits.maxBadFrames)
      this.close(CLOSE_CODES.POLICY_VIOLATION, 'ABUSE', `more than ${this.#hub.limits.maxBadFrames} refused frames (maxBadFrames)`);
  }

  #sendError(code: string, message: string): void {
    this.send(encodeError(code, message));
  }

  /**
   * Sends CLOSE with the reason, closes the connection and releases everything the session holds.
   * Idempotent.
   */
  close(closeCode: number, code: string, message: string): void {
    if (this.#state === STATE.CLOSED) return;
    if (this.#conn.bufferedAmount <= this.#hub.limits.maxBufferedBytes) this.#conn.send(encodeClose(closeCode, code, message));
    // WebSocket close reasons are limited to 123 bytes; the CLOSE frame carries the full message.
    this.#conn.close(closeCode, code);
    this.closed(closeCode, code);
  }

  /** The connection ended: unregisters, drops subscriptions, queues the disconnect lifecycle call. */
  closed(code: number, _reason: string): void {
    if (this.#state === STATE.CLOSED) return;
    const wasOpen = this.#state === STATE.OPEN;
    this.#state = STATE.CLOSED;
    clearTimeout(this.#timer);
    this.#hub.metrics.disconnects.inc({ code: String(code) });
    this.#hub.unregister(this);
    if (wasOpen) {
      this.#hub.subscriptions.removeClient(this.#handle);
      this.#hub.engine.disconnect(this.#identity!);
    }
  }
}
