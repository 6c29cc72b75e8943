import type { Identity, ModuleDef } from '../engine';
import {
  CLOSE_CODES,
  decodeServerMessage,
  encodeCall,
  encodeSchemaAck,
  encodeSubscribe,
  okResultRequestId,
  RESET_REASON,
  TickspaceError,
  type AnyErrorCode,
  type Query,
  type SchemaChange,
  type SchemaDescriptor,
  type ServerMessage,
} from '../protocol';
import { backoffDelayMs, type BackoffOptions } from './backoff';
import { ClientSubscriptions } from './client-subscriptions';
import { ClientCache } from './client-cache';
import { ClientLink } from './client-link';
import type { CacheEvent } from './client-table';
import type { ConnectOptions } from './connect-options';
import {
  CONNECTION_STATUS,
  FATAL_CLOSE_CODES,
  type CloseReason,
  type ConnectionStatus,
  type HistoryChange,
} from './connection-status';
import { Heartbeat } from './heartbeat';
import { ListenerList } from './listener-list';
import { PendingCalls } from './pending-calls';
import type { SchemaChangedEvent } from './schema-swap';
import { pending, type SubscriptionHandle } from './subscription-handle';
import type { ClientDb, ClientQuery, ClientReducers } from './types';
import { createWebSocketTransport } from './websocket-transport';

export type { ConnectOptions } from './connect-options';

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
  readonly #link: ClientLink;
  readonly #reconnect: BackoffOptions | undefined;
  readonly #report: (error: unknown) => void;
  /** The table caches and the schema they decode with. */
  readonly #cache: ClientCache;
  /** Calls awaiting their result. */
  readonly #calls: PendingCalls;
  readonly #pings = new Map<number, () => void>();
  readonly #subs: ClientSubscriptions;
  readonly #statusListeners: ListenerList<[ConnectionStatus]>;
  readonly #tickListeners: ListenerList<[number]>;
  readonly #frameListeners: ListenerList<[ServerMessage]>;
  readonly #historyListeners: ListenerList<[HistoryChange, number]>;
  readonly #schemaListeners: ListenerList<[SchemaChangedEvent]>;
  readonly #heartbeat: Heartbeat | undefined;
  #identity = '';
  #token: string;
  #status: ConnectionStatus = CONNECTION_STATUS.CONNECTING;
  #tick = 0;
  #nextRequest = 1;
  #attempt = 0;
  #closeReason: CloseReason | undefined;
  #lastServerClose: CloseReason | undefined;
  #userClosed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #ready = pending();

  constructor(options: ConnectOptions) {
    if (options.transport === undefined && options.url === undefined)
      throw new TypeError('connect needs a url or a transport');
    this.#link = new ClientLink(
      options.transport ?? createWebSocketTransport(options.url!, { WebSocket: options.WebSocket }),
      {
        message: (frame) => this.#receiveMessage(frame),
        undecodable: (error) => this.#undecodable(error),
        dropped: (code, reason, errorCode) => this.#dropped(code, reason, errorCode),
      },
    );
    this.#reconnect =
      options.reconnect === false
        ? undefined
        : options.reconnect === true || options.reconnect === undefined
          ? {}
          : options.reconnect;
    this.#calls = new PendingCalls(options.callTimeoutMs ?? 30_000);
    this.#report = options.onError ?? ((e) => console.error('tickspace client:', e));
    this.#statusListeners = new ListenerList(this.#report);
    this.#tickListeners = new ListenerList(this.#report);
    this.#frameListeners = new ListenerList(this.#report);
    this.#historyListeners = new ListenerList(this.#report);
    this.#schemaListeners = new ListenerList(this.#report);
    const cache = (this.#cache = new ClientCache(this.#report, options.sharedRows));
    const isOpen = () => this.#status === CONNECTION_STATUS.OPEN;
    this.#subs = new ClientSubscriptions({
      get open() {
        return isOpen() && cache.wire !== undefined;
      },
      get wire() {
        return cache.wire;
      },
      send: (frame) => this.#send(frame),
    });
    this.#token = options.token ?? '';
    const heartbeatMs = options.heartbeat === false ? undefined : (options.heartbeat ?? {});
    this.#heartbeat =
      heartbeatMs === undefined
        ? undefined
        : new Heartbeat(
            heartbeatMs,
            () => this.#link.ping(true),
            () => this.#linkDead(),
          );
    this.#link.useHeartbeat(this.#heartbeat);
    this.db = new Proxy({} as ClientDb<M>, {
      get: (_t, name) => (typeof name === 'string' ? cache.table(name) : undefined),
    });
    // One function per reducer name, made on first use: hot loops call `conn.reducers.x(...)` per call.
    const callers = new Map<string, (args: Record<string, unknown>) => Promise<unknown>>();
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
    return this.#cache.wire?.descriptor;
  }

  /** Resolves after the first handshake; rejects if it fails. */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  #setStatus(status: ConnectionStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#statusListeners.emit(status);
  }

  /** Calls `listener` on every status change. Returns the unsubscribe function. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.#statusListeners.add(listener);
  }

  /** Calls `listener` after each tick update has been applied (and its row listeners have run). */
  onTick(listener: (tick: number) => void): () => void {
    return this.#tickListeners.add(listener);
  }

  /**
   * Calls `listener` when the server's module was published with a new schema and this
   * connection has followed it without reconnecting: `conn.schema`, the argument checks and the
   * table codecs are the new version's, and the rows of every reshaped table have been re-sent in
   * the new shape (their onUpdate listeners have run). Subscriptions the migration ended are listed
   * (their handle's `error` says why); the others go on. Returns the unsubscribe function.
   * @example
   * conn.onSchemaChanged((e) => console.log(`schema ${e.version}: reshaped ${e.reshapedTables.join(', ')}`));
   */
  onSchemaChanged(listener: (event: SchemaChangedEvent) => void): () => void {
    return this.#schemaListeners.add(listener);
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
    return this.#historyListeners.add(listener);
  }

  /** Calls `listener` after every server frame has been applied (tests and bots wait on it). */
  onFrame(listener: (message: ServerMessage) => void): () => void {
    return this.#frameListeners.add(listener);
  }

  // ---- transport --------------------------------------------------------------------------

  #open(): void {
    this.#lastServerClose = undefined;
    this.#link.open(() => this.#token);
  }

  #send(frame: Uint8Array): void {
    this.#link.send(frame);
  }

  /** The heartbeat heard nothing for `timeoutMs`: drop the link (the server may never see it) and reconnect. */
  #linkDead(): void {
    if (!this.#link.attached) return;
    this.#lastServerClose = undefined;
    const message = `a PING brought no frame from the server for ${this.#heartbeat!.timeoutMs} ms (heartbeat timeoutMs): the link is taken for dead`;
    this.#link.drop(CLOSE_CODES.HEARTBEAT_TIMEOUT, 'HEARTBEAT_TIMEOUT', message, 'HEARTBEAT_TIMEOUT');
  }

  #undecodable(error: unknown): void {
    // The cache may be half-updated: only a fresh session can repair it.
    this.#report(error);
    this.#link.drop(
      CLOSE_CODES.UNDECODABLE_FRAME,
      'client could not decode a frame',
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
    this.#cache.beginFrame(events);
    let msg: ServerMessage;
    try {
      msg = decodeServerMessage(frame, this.#cache.wire, this.#cache.visitor);
    } catch (error) {
      this.#undecodable(error);
      return;
    }
    this.#handle(msg, events);
    for (let i = 0; i < events.length; i++) events[i]!.table.dispatch(events[i]!, this.#report);
    if (msg.type === 'tick') this.#tickListeners.emit(msg.tick);
    else if (msg.type === 'reset')
      if (msg.reason === RESET_REASON.REWIND || msg.reason === RESET_REASON.RECOVERY)
        this.#historyListeners.emit(
          msg.reason === RESET_REASON.REWIND ? 'rewind' : 'recovery',
          msg.stateOfTick,
        );
    const schemaChanged = this.#cache.takeSchemaChanged();
    if (schemaChanged !== undefined) this.#schemaListeners.emit(schemaChanged);
    this.#frameListeners.emit(msg);
  }

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
      case 'subscribed':
        this.#subs.subscribed(msg.queryId);
        this.#applied(msg.queryId, events);
        return;
      case 'unsubscribed':
        this.#subs.unsubscribed(msg.queryId);
        return;
      case 'subscribeError': {
        const error = new TickspaceError<AnyErrorCode>(msg.code, msg.message, {
          details: { queryId: msg.queryId },
        });
        if (this.#subs.ended(msg.queryId, error) === undefined) this.#report(error);
        this.#applied(msg.queryId, events);
        return;
      }
      case 'schema':
        this.#schemaSwapped(msg, events);
        return;
      case 'result': {
        if (msg.ok) this.#calls.settle(msg.requestId, true, '', '', msg.value);
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
    // A second IDENTITY on a link that stayed open: a region gateway moved this client to another
    // region, or linked it again to a restarted one. That server side holds none of our queries, as
    // after a reconnect: resubscribe, and diff the answers against the cache (rows both hold: no event).
    if (this.#identity !== '' && this.#status === CONNECTION_STATUS.OPEN) this.#cache.startReconcile();
    const wire = this.#cache.adopt(descriptor);
    this.#identity = identity;
    this.#token = token;
    this.#tick = Math.max(this.#tick, tick);
    this.#attempt = 0;
    const resubscribe = this.#subs.active();
    const reconnected = this.#cache.reconciling;
    for (const s of resubscribe) {
      // After a reconnect the server starts from nothing: every query goes again, diffed once all are back.
      this.#cache.expect(s.id);
      this.#send(encodeSubscribe(wire, s.id, s.query));
    }
    if (reconnected) {
      if (this.#cache.answered(undefined, [])) this.#setStatus(CONNECTION_STATUS.OPEN);
      return;
    }
    this.#setStatus(CONNECTION_STATUS.OPEN);
    this.#ready.resolve();
  }

  /**
   * SCHEMA: a runtime migration's boundary. The codecs and argument checks swap before the next
   * frame is decoded, SCHEMA_ACK tells the server every later frame is in the new schema (frames
   * corked before it were encoded with the old one, and the server decodes them so), and the
   * queries the migration ended stop. The event waits for the reshaped tables' RESETs.
   */
  #schemaSwapped(change: SchemaChange, events: CacheEvent[]): void {
    const ended = change.ended.map((e) => {
      const error = new TickspaceError<AnyErrorCode>(e.code, e.message, { details: { queryId: e.queryId } });
      return { id: e.queryId, query: this.#subs.ended(e.queryId, error)?.query, error };
    });
    const superseded = this.#cache.swap(change, ended);
    if (superseded !== undefined) this.#schemaListeners.emit(superseded);
    this.#send(encodeSchemaAck(change.version));
    for (const e of change.ended) this.#applied(e.queryId, events);
  }

  #applied(queryId: number, events: CacheEvent[]): void {
    if (this.#cache.answered(queryId, events)) this.#setStatus(CONNECTION_STATUS.OPEN);
  }

  #dropped(code: number, reason: string, errorCode?: string): void {
    const server = this.#lastServerClose;
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
    this.#cache.startReconcile();
    this.#setStatus(CONNECTION_STATUS.RECONNECTING);
    const delay = backoffDelayMs(this.#attempt++, this.#reconnect);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.#userClosed) this.#open();
    }, delay);
  }

  #closeFinal(why: CloseReason): void {
    this.#closeReason = why;
    this.#cache.endReconcile();
    this.#subs.closeAll(new TickspaceError('DISCONNECTED', `the connection closed: ${why.message}`));
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
   * subscribed), with the value the reducer returned if it declares `returns` (`conn.reducers.x`
   * types it); rejects with a TickspaceError carrying the reducer's or the server's code.
   * @throws TickspaceError (rejection) UNKNOWN_REDUCER, INVALID_ARGUMENT, RATE_LIMITED, DISCONNECTED, TIMEOUT, RETURN_TOO_LARGE, or the reducer's own code
   */
  call(reducer: string, args: Record<string, unknown>): Promise<unknown> {
    if (this.#status !== CONNECTION_STATUS.OPEN || this.#cache.wire === undefined || !this.#link.attached)
      return Promise.reject(
        new TickspaceError('DISCONNECTED', `cannot call '${reducer}': the connection is ${this.#status}`),
      );
    let frame: Uint8Array;
    const requestId = this.#nextRequest++;
    try {
      frame = encodeCall(this.#cache.wire, requestId, reducer, args);
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
    return this.#subs.subscribe(query as unknown as Query);
  }

  /** Resolves once every frame the server sent before answering this ping has been applied. */
  sync(): Promise<void> {
    if (!this.#link.attached) return Promise.resolve();
    return new Promise<void>((resolve) => this.#pings.set(this.#link.ping(), resolve));
  }

  /** Closes the connection for good (no reconnect). */
  close(): void {
    if (this.#status === CONNECTION_STATUS.CLOSED) return;
    this.#userClosed = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    // Frames issued before the close still leave, ahead of it.
    if (this.#link.attached)
      this.#link.drop(CLOSE_CODES.NORMAL, 'client closed', 'client closed', undefined, true);
    else this.#dropped(CLOSE_CODES.NORMAL, 'client closed');
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
