import type { Identity, ModuleDef } from '../engine';
import {
  CLIENT_MESSAGE,
  CLOSE_CODES,
  compileWireSchema,
  decodeBatch,
  decodeServerMessage,
  encodeCall,
  encodeConnect,
  encodePing,
  okResultRequestId,
  encodeSubscribe,
  encodeUnsubscribe,
  MessageCork,
  PROTOCOL_VERSION,
  RESET_REASON,
  SERVER_MESSAGE,
  TickspaceError,
  type AnyErrorCode,
  type ClientTransport,
  type Query,
  type SchemaDescriptor,
  type SectionVisitor,
  type ServerMessage,
  type TransportFactory,
  type WireSchema,
} from '../protocol';
import { backoffDelayMs, type BackoffOptions } from './backoff';
import {
  CONNECTION_STATUS,
  FATAL_CLOSE_CODES,
  type CloseReason,
  type ConnectionStatus,
  type HistoryChange,
} from './connection-status';
import { TableCache, type CacheEvent } from './client-table';
import { Heartbeat, type HeartbeatOptions } from './heartbeat';
import { PendingCalls } from './pending-calls';
import { pending, type Sub, type SubscriptionHandle } from './subscription-handle';
import type { ClientDb, ClientQuery, ClientReducers } from './types';
import { createWebSocketTransport, type WebSocketConstructor } from './websocket-transport';

/** Options for {@link connect}. Give a `url` or a `transport`. */
export interface ConnectOptions {
  /** Server WebSocket URL (`ws://host:port/ws`). */
  readonly url?: string;
  /** A transport factory (loopback, a custom socket). @default createWebSocketTransport(url) */
  readonly transport?: TransportFactory;
  /** WebSocket implementation for `url` in Node (the `ws` package's WebSocket). @default globalThis.WebSocket or `ws` */
  readonly WebSocket?: WebSocketConstructor;
  /** Token from a previous connection: restores that identity. @default '' (a new identity) */
  readonly token?: string;
  /** Reconnect with backoff after an unexpected close; false to stay closed. @default true */
  readonly reconnect?: boolean | BackoffOptions;
  /** A reducer call without a result after this long rejects with TIMEOUT, ms; 0 waits forever. @default 30_000 */
  readonly callTimeoutMs?: number;
  /**
   * PING when the link is quiet (keeps the session under the server's `idleTimeoutMs`) and drop a
   * link the server has gone silent on, then reconnect; false turns both off.
   * @default {} (PING after 10 s of quiet, the link dead 20 s after an unanswered PING)
   */
  readonly heartbeat?: false | HeartbeatOptions;
  /** Listener errors and protocol oddities. @default console.error */
  readonly onError?: (error: unknown) => void;
}

/**
 * Limits of the BATCH frames the SDK sends; both are under the server's defaults
 * (`maxBatchMessages` 1,024, `maxFrameBytes` 65,536).
 */
const OUTBOUND_BATCH = { maxMessages: 256, maxBytes: 32_768 } as const;

/**
 * A connection to a Tickspace server: the typed client cache (`db`), typed reducer calls
 * (`reducers`), subscriptions, and automatic reconnection that restores the identity, resubscribes
 * and reconciles the cache so listeners see only real differences.
 */
export class Connection<M extends ModuleDef = ModuleDef> {
  /** Typed table caches. */
  readonly db: ClientDb<M>;
  /** Typed reducer calls: `await conn.reducers.move({ dx: 1, dy: 0 })`. */
  readonly reducers: ClientReducers<M>;
  readonly #factory: TransportFactory;
  readonly #reconnect: BackoffOptions | undefined;
  readonly #report: (error: unknown) => void;
  readonly #tables = new Map<string, TableCache>();
  /** Calls awaiting their result. */
  readonly #calls: PendingCalls;
  readonly #pings = new Map<number, () => void>();
  readonly #subs = new Map<number, Sub>();
  readonly #statusListeners = new Set<(status: ConnectionStatus) => void>();
  readonly #tickListeners = new Set<(tick: number) => void>();
  readonly #frameListeners = new Set<(message: ServerMessage) => void>();
  readonly #historyListeners = new Set<(reason: HistoryChange, stateOfTick: number) => void>();
  #transport: ClientTransport | undefined;
  /** Whether the current transport has opened (CONNECT sent): no PING may precede CONNECT. */
  #transportOpen = false;
  readonly #heartbeat: Heartbeat | undefined;
  /** Frames issued in this macrotask, sent together in a microtask. */
  readonly #cork = new MessageCork(CLIENT_MESSAGE.BATCH, OUTBOUND_BATCH);
  #schema: WireSchema | undefined;
  #identity = '';
  #token: string;
  #status: ConnectionStatus = CONNECTION_STATUS.CONNECTING;
  #tick = 0;
  #nextRequest = 1;
  #nextQuery = 1;
  #nextPing = 1;
  #attempt = 0;
  #closeReason: CloseReason | undefined;
  #lastServerClose: CloseReason | undefined;
  #userClosed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** While reconnecting: the rows before the drop, per table, and the subscriptions still to re-apply. */
  #reconcile:
    { before: Map<TableCache, Map<unknown, Record<string, unknown>>>; waiting: Set<number> } | undefined;
  #ready = pending();

  constructor(options: ConnectOptions) {
    if (options.transport === undefined && options.url === undefined)
      throw new TypeError('connect needs a url or a transport');
    this.#factory =
      options.transport ?? createWebSocketTransport(options.url!, { WebSocket: options.WebSocket });
    this.#reconnect =
      options.reconnect === false
        ? undefined
        : options.reconnect === true || options.reconnect === undefined
          ? {}
          : options.reconnect;
    this.#calls = new PendingCalls(options.callTimeoutMs ?? 30_000);
    this.#report = options.onError ?? ((e) => console.error('tickspace client:', e));
    this.#token = options.token ?? '';
    const heartbeatMs = options.heartbeat === false ? undefined : (options.heartbeat ?? {});
    this.#heartbeat =
      heartbeatMs === undefined
        ? undefined
        : new Heartbeat(heartbeatMs, this.#heartbeatPing, () => this.#linkDead());
    this.db = new Proxy({} as ClientDb<M>, {
      get: (_t, name) => (typeof name === 'string' ? this.#table(name) : undefined),
    });
    // One function per reducer name, made on first use: hot loops call `conn.reducers.x(...)` per call.
    const callers = new Map<string, (args: Record<string, unknown>) => Promise<void>>();
    this.reducers = new Proxy({} as ClientReducers<M>, {
      get: (_t, name) => {
        if (typeof name !== 'string') return undefined;
        let caller = callers.get(name);
        if (caller === undefined) callers.set(name, (caller = (args) => this.call(name, args)));
        return caller;
      },
    });
    this.#open();
  }

  /** This client's identity (32 hex characters); empty before the first handshake. */
  get identity(): Identity {
    return this.#identity as Identity;
  }

  /** The token that restores this identity on a later connection (keep it, e.g. in localStorage). */
  get token(): string {
    return this.#token;
  }

  /** The last tick whose update this client has applied. */
  get tick(): number {
    return this.#tick;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** Why the connection closed for good, once closed. */
  get closeReason(): CloseReason | undefined {
    return this.#closeReason;
  }

  /** The schema the server described (public tables and callable reducers). */
  get schema(): SchemaDescriptor | undefined {
    return this.#schema?.descriptor;
  }

  /** Resolves after the first handshake; rejects if it fails. */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  #table(name: string): TableCache {
    let t = this.#tables.get(name);
    if (t === undefined) this.#tables.set(name, (t = new TableCache(name, this.#schema?.tableByName(name))));
    return t;
  }

  #setStatus(status: ConnectionStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    for (const l of [...this.#statusListeners])
      try {
        l(status);
      } catch (error) {
        this.#report(error);
      }
  }

  /** Calls `listener` on every status change. Returns the unsubscribe function. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => void this.#statusListeners.delete(listener);
  }

  /** Calls `listener` after each tick update has been applied (and its row listeners have run). */
  onTick(listener: (tick: number) => void): () => void {
    this.#tickListeners.add(listener);
    return () => void this.#tickListeners.delete(listener);
  }

  /**
   * Calls `listener` when the server's history changed under this client: a rewind set the world
   * back to the state of tick `stateOfTick` (`'rewind'`), or a recovery restored it (`'recovery'`).
   * The cache already holds the new state (rows the change took away are gone, their onDelete
   * listeners have run): a UI checks here whether what it relies on, such as the player's own
   * row, still exists. Returns the unsubscribe function.
   * @example
   * conn.onHistoryChanged((reason, tick) => {
   *   if (!conn.db.player.has(conn.identity)) showJoinPrompt(`the world was rewound to tick ${tick}`);
   * });
   */
  onHistoryChanged(listener: (reason: HistoryChange, stateOfTick: number) => void): () => void {
    this.#historyListeners.add(listener);
    return () => void this.#historyListeners.delete(listener);
  }

  /** Calls `listener` after every server frame has been applied (tests and bots wait on it). */
  onFrame(listener: (message: ServerMessage) => void): () => void {
    this.#frameListeners.add(listener);
    return () => void this.#frameListeners.delete(listener);
  }

  // ---- transport --------------------------------------------------------------------------

  #open(): void {
    this.#lastServerClose = undefined;
    this.#transportOpen = false;
    // From the attempt on, not from the open: a connect that hangs counts as silence too.
    this.#heartbeat?.start();
    const t = this.#factory({
      open: () => {
        if (this.#transport !== t) return;
        this.#transportOpen = true;
        t.send(encodeConnect(PROTOCOL_VERSION, this.#token));
        this.#heartbeat?.spoke();
      },
      message: (frame) => {
        if (this.#transport === t) this.#receive(frame);
      },
      close: (code, reason) => {
        if (this.#transport === t) this.#dropped(code, reason);
      },
    });
    this.#transport = t;
  }

  /**
   * Queues a frame: everything sent in the same macrotask (a burst of calls, the resubscriptions
   * after a reconnect) leaves as one BATCH in a microtask, in order.
   */
  #send(frame: Uint8Array): void {
    if (this.#transport === undefined) return;
    if (this.#cork.count === 0) queueMicrotask(this.#flush);
    this.#cork.add(frame);
  }

  readonly #flush = (): void => {
    const t = this.#transport;
    if (t === undefined) this.#cork.clear();
    else {
      this.#cork.drain((frame) => t.send(frame));
      this.#heartbeat?.spoke();
    }
  };

  readonly #heartbeatPing = (): void => {
    if (this.#transportOpen) this.#send(encodePing(this.#nextPing++));
  };

  /** The heartbeat heard nothing for `timeoutMs`: drop the link (the server may never see it) and reconnect. */
  #linkDead(): void {
    const t = this.#transport;
    if (t === undefined) return;
    // Detach first: the transport's own close event is then ignored and the drop is handled once.
    this.#transport = undefined;
    this.#lastServerClose = undefined;
    const message = `a PING brought no frame from the server for ${this.#heartbeat!.timeoutMs} ms (heartbeat timeoutMs): the link is taken for dead`;
    t.close(CLOSE_CODES.HEARTBEAT_TIMEOUT, 'HEARTBEAT_TIMEOUT');
    this.#dropped(CLOSE_CODES.HEARTBEAT_TIMEOUT, message, 'HEARTBEAT_TIMEOUT');
  }

  /** One WebSocket message: a server message or a BATCH of them, applied in order. */
  #receive(frame: Uint8Array): void {
    this.#heartbeat?.heard();
    if (frame[0] !== SERVER_MESSAGE.BATCH) {
      this.#receiveMessage(frame);
      return;
    }
    let messages: Uint8Array[];
    try {
      messages = decodeBatch(frame, SERVER_MESSAGE.BATCH);
    } catch (error) {
      this.#undecodable(error);
      return;
    }
    const t = this.#transport;
    for (let i = 0; i < messages.length && this.#transport === t; i++) this.#receiveMessage(messages[i]!);
  }

  #undecodable(error: unknown): void {
    // The cache may be half-updated: only a fresh session can repair it.
    this.#report(error);
    const t = this.#transport;
    if (t === undefined) return;
    // Detach first: the transport's close event (the WebSocket transport's comes at once) is then
    // ignored and the drop is handled once, with one reconnect.
    this.#transport = undefined;
    t.close(CLOSE_CODES.UNDECODABLE_FRAME, 'client could not decode a frame');
    this.#dropped(
      CLOSE_CODES.UNDECODABLE_FRAME,
      'the client could not decode a server frame: reconnecting for a fresh session',
      'MALFORMED_FRAME',
    );
  }

  #receiveMessage(frame: Uint8Array): void {
    if (this.#frameListeners.size === 0) {
      // A successful RESULT settles its call without decoding into a message object.
      const requestId = okResultRequestId(frame);
      if (requestId >= 0) return this.#calls.settle(requestId, true);
    }
    const events: CacheEvent[] = [];
    // While reconciling after a reconnect, changes land silently; the diff reports them at the end.
    this.#events = this.#reconcile === undefined ? events : undefined;
    let msg: ServerMessage;
    try {
      msg = decodeServerMessage(frame, this.#schema, this.#visitor);
    } catch (error) {
      this.#undecodable(error);
      return;
    }
    this.#handle(msg, events);
    for (let i = 0; i < events.length; i++) events[i]!.table.dispatch(events[i]!, this.#report);
    if (msg.type === 'tick' && this.#tickListeners.size > 0)
      for (const l of [...this.#tickListeners])
        try {
          l(msg.tick);
        } catch (error) {
          this.#report(error);
        }
    if (msg.type === 'reset' && msg.reason !== RESET_REASON.RESYNC && this.#historyListeners.size > 0) {
      const reason: HistoryChange = msg.reason === RESET_REASON.REWIND ? 'rewind' : 'recovery';
      for (const l of [...this.#historyListeners])
        try {
          l(reason, msg.stateOfTick);
        } catch (error) {
          this.#report(error);
        }
    }
    if (this.#frameListeners.size > 0)
      for (const l of [...this.#frameListeners])
        try {
          l(msg);
        } catch (error) {
          this.#report(error);
        }
  }

  /** Where the visitor records cache events for the message being decoded. */
  #events: CacheEvent[] | undefined;

  /** Applies table contents to the cache as they are decoded; built once, not per message. */
  readonly #visitor: SectionVisitor = {
    delete: (t, key) => this.#table(t.name).remove(key, this.#events),
    insert: (t, row) => this.#table(t.name).upsert(row, this.#events),
    update: (t, key, reader) => {
      const ok = this.#table(t.name).patch(key, t.update, reader, this.#events);
      if (!ok)
        this.#report(
          new TickspaceError(
            'PROTOCOL_ERROR',
            `update of ${t.name} ${String(key)}, a row the cache does not hold`,
          ),
        );
    },
    reset: (t, rows) => {
      const list: CacheEvent[] = [];
      this.#table(t.name).replace(rows, list);
      if (this.#events !== undefined) this.#events.push(...list);
    },
  };

  #handle(msg: ServerMessage, events: CacheEvent[]): void {
    switch (msg.type) {
      case 'identity':
        return this.#identified(msg.identity, msg.token, msg.tick, msg.schema);
      case 'tick':
        this.#tick = msg.tick;
        return;
      case 'reset':
        this.#tick = msg.tick;
        return;
      case 'subscribed': {
        const sub = this.#subs.get(msg.queryId);
        if (sub !== undefined) sub.resolve();
        this.#applied(msg.queryId, events);
        return;
      }
      case 'unsubscribed': {
        const sub = this.#subs.get(msg.queryId);
        sub?.unsubscribed?.();
        this.#subs.delete(msg.queryId);
        return;
      }
      case 'subscribeError': {
        const sub = this.#subs.get(msg.queryId);
        const error = new TickspaceError<AnyErrorCode>(msg.code, msg.message, {
          details: { queryId: msg.queryId },
        });
        if (sub !== undefined) {
          sub.active = false;
          sub.reject(error);
          sub.unsubscribed?.();
          this.#subs.delete(msg.queryId);
        } else this.#report(error);
        this.#applied(msg.queryId, events);
        return;
      }
      case 'result': {
        if (msg.ok) this.#calls.settle(msg.requestId, true);
        else this.#calls.settle(msg.requestId, false, msg.code, msg.message);
        return;
      }
      case 'pong': {
        const done = this.#pings.get(msg.nonce);
        this.#pings.delete(msg.nonce);
        done?.();
        return;
      }
      case 'error':
        this.#report(new TickspaceError<AnyErrorCode>(msg.code, msg.message));
        return;
      case 'close':
        this.#lastServerClose = { closeCode: msg.closeCode, code: msg.code, message: msg.message };
        return;
    }
  }

  #identified(identity: string, token: string, tick: number, descriptor: SchemaDescriptor): void {
    this.#schema = compileWireSchema(descriptor);
    for (const t of this.#tables.values()) {
      const wire = this.#schema.tableByName(t.name);
      if (wire !== undefined) t.setWire(wire);
    }
    this.#identity = identity;
    this.#token = token;
    this.#tick = Math.max(this.#tick, tick);
    this.#attempt = 0;
    const resubscribe = [...this.#subs.values()].filter((s) => s.active);
    if (this.#reconcile !== undefined) {
      // After a reconnect: the server starts from nothing, so re-send every query and diff once all are back.
      for (const s of resubscribe) {
        this.#reconcile.waiting.add(s.id);
        this.#send(encodeSubscribe(this.#schema, s.id, s.query));
      }
      if (this.#reconcile.waiting.size === 0) this.#finishReconcile([]);
      return;
    }
    for (const s of resubscribe) this.#send(encodeSubscribe(this.#schema, s.id, s.query));
    this.#setStatus(CONNECTION_STATUS.OPEN);
    this.#ready.resolve();
  }

  #applied(queryId: number, events: CacheEvent[]): void {
    const r = this.#reconcile;
    if (r === undefined) return;
    r.waiting.delete(queryId);
    if (r.waiting.size === 0) this.#finishReconcile(events);
  }

  #finishReconcile(events: CacheEvent[]): void {
    const r = this.#reconcile!;
    this.#reconcile = undefined;
    for (const [table, before] of r.before) table.diff(before, events);
    this.#setStatus(CONNECTION_STATUS.OPEN);
  }

  #dropped(code: number, reason: string, errorCode?: string): void {
    const server = this.#lastServerClose;
    this.#transport = undefined;
    this.#transportOpen = false;
    this.#heartbeat?.stop();
    this.#cork.clear();
    const why = server ?? {
      closeCode: code,
      code: errorCode ?? (code === CLOSE_CODES.NORMAL ? 'CLOSED' : 'DISCONNECTED'),
      message: reason || `connection closed (${code})`,
    };
    this.#calls.failAll(
      () =>
        new TickspaceError(
          'DISCONNECTED',
          `the connection closed before the call's result arrived: ${why.message}`,
          { details: { closeCode: why.closeCode } },
        ),
    );
    for (const done of this.#pings.values()) done();
    this.#pings.clear();
    const neverOpened = this.#identity === '';
    const fatal =
      FATAL_CLOSE_CODES.has(why.closeCode) || (server !== undefined && server.code === 'INVALID_TOKEN');
    if (
      this.#userClosed ||
      this.#reconnect === undefined ||
      fatal ||
      neverOpened ||
      this.#attempt >= (this.#reconnect.maxAttempts ?? Infinity)
    ) {
      this.#closeFinal(why);
      return;
    }
    if (this.#reconcile === undefined) {
      const before = new Map<TableCache, Map<unknown, Record<string, unknown>>>();
      for (const t of this.#tables.values()) before.set(t, t.takeAll());
      this.#reconcile = { before, waiting: new Set() };
    }
    this.#setStatus(CONNECTION_STATUS.RECONNECTING);
    const delay = backoffDelayMs(this.#attempt++, this.#reconnect);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.#userClosed) this.#open();
    }, delay);
  }

  #closeFinal(why: CloseReason): void {
    this.#closeReason = why;
    if (this.#reconcile !== undefined) {
      // Give back what the cache held before the drop, silently: it is stale but complete.
      for (const [table, before] of this.#reconcile.before)
        for (const row of before.values()) table.upsert(row, undefined);
      this.#reconcile = undefined;
    }
    for (const s of this.#subs.values()) {
      s.active = false;
      s.reject(new TickspaceError('DISCONNECTED', `the connection closed: ${why.message}`));
      s.unsubscribed?.();
    }
    this.#ready.reject(
      new TickspaceError<AnyErrorCode>(why.code === 'CLOSED' ? 'DISCONNECTED' : why.code, why.message, {
        details: { closeCode: why.closeCode },
      }),
    );
    this.#setStatus(CONNECTION_STATUS.CLOSED);
  }

  // ---- API --------------------------------------------------------------------------------

  /**
   * Calls a reducer by name. Resolves when the call succeeded (its changes are in the cache if
   * subscribed); rejects with a TickspaceError carrying the reducer's or the server's code.
   * @throws TickspaceError (rejection) UNKNOWN_REDUCER, INVALID_ARGUMENT, RATE_LIMITED, DISCONNECTED, TIMEOUT, or the reducer's own code
   */
  call(reducer: string, args: Record<string, unknown>): Promise<void> {
    if (
      this.#status !== CONNECTION_STATUS.OPEN ||
      this.#schema === undefined ||
      this.#transport === undefined
    )
      return Promise.reject(
        new TickspaceError('DISCONNECTED', `cannot call '${reducer}': the connection is ${this.#status}`),
      );
    let frame: Uint8Array;
    const requestId = this.#nextRequest++;
    try {
      frame = encodeCall(this.#schema, requestId, reducer, args);
    } catch (error) {
      const e =
        error instanceof TickspaceError
          ? error
          : new TickspaceError('INVALID_ARGUMENT', `reducer '${reducer}': ${String(error)}`, {
              cause: error,
            });
      return Promise.reject(e);
    }
    const outcome = this.#calls.add(requestId, reducer);
    this.#send(frame);
    return outcome;
  }

  /**
   * Subscribes to a query. Rows arrive in `conn.db`; `applied` resolves when they are there.
   * @example
   * const sub = conn.subscribe({ table: 'entity', follow: { table: 'entity', key: me, radius: 100, exitRadius: 120 } });
   * await sub.applied;
   */
  subscribe(query: ClientQuery<M>): SubscriptionHandle {
    const id = this.#nextQuery++;
    const p = pending();
    const sub: Sub = {
      id,
      query: query as unknown as Query,
      active: true,
      applied: p.promise,
      resolve: p.resolve,
      reject: p.reject,
      unsubscribed: undefined,
    };
    this.#subs.set(id, sub);
    if (this.#status === CONNECTION_STATUS.OPEN && this.#schema !== undefined) {
      try {
        this.#send(encodeSubscribe(this.#schema, id, sub.query));
      } catch (error) {
        sub.active = false;
        this.#subs.delete(id);
        p.reject(
          error instanceof TickspaceError
            ? error
            : new TickspaceError('INVALID_QUERY', String(error), { cause: error }),
        );
      }
    }
    const unsubscribe = (): Promise<void> => {
      if (!sub.active) return Promise.resolve();
      sub.active = false;
      if (this.#status !== CONNECTION_STATUS.OPEN) {
        this.#subs.delete(id);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        sub.unsubscribed = resolve;
        this.#send(encodeUnsubscribe(id));
      });
    };
    return {
      id,
      query: sub.query,
      get applied() {
        return sub.applied;
      },
      get active() {
        return sub.active;
      },
      unsubscribe,
    };
  }

  /** Resolves once every frame the server sent before answering this ping has been applied. */
  sync(): Promise<void> {
    if (this.#transport === undefined) return Promise.resolve();
    const nonce = this.#nextPing++;
    return new Promise<void>((resolve) => {
      this.#pings.set(nonce, resolve);
      this.#send(encodePing(nonce));
    });
  }

  /** Closes the connection for good (no reconnect). */
  close(): void {
    if (this.#status === CONNECTION_STATUS.CLOSED) return;
    this.#userClosed = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    const t = this.#transport;
    // Frames issued before the close still leave, ahead of it.
    if (t !== undefined) this.#cork.drain((frame) => t.send(frame));
    // Detach first: the transport's own close event is then ignored and the close is handled once.
    this.#transport = undefined;
    t?.close(CLOSE_CODES.NORMAL, 'client closed');
    this.#dropped(CLOSE_CODES.NORMAL, 'client closed');
  }
}

/**
 * Connects to a Tickspace server and resolves once the handshake is done. Type the connection
 * with the module (a type-only import) to get typed tables and reducers.
 * @throws TickspaceError (rejection) if the first connection attempt fails (INVALID_TOKEN, DISCONNECTED...).
 * @example
 * import type { game } from '../server/src/world';
 * const conn = await connect<typeof game>({ url: 'ws://localhost:3000/ws', token: localStorage.token });
 * localStorage.token = conn.token;
 * conn.db.player.onInsert((p) => console.log('joined', p.name));
 * await conn.reducers.join({ name: 'ada' });
 */
export async function connect<M extends ModuleDef = ModuleDef>(
  options: ConnectOptions,
): Promise<Connection<M>> {
  const conn = new Connection<M>(options);
  await conn.ready;
  return conn;
}
