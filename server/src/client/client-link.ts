import {
  CLIENT_MESSAGE,
  decodeBatch,
  encodeConnect,
  encodePing,
  MessageCork,
  PROTOCOL_VERSION,
  SERVER_MESSAGE,
  type ClientTransport,
  type TransportFactory,
} from '../protocol';
import { OUTBOUND_BATCH } from './connect-options';
import type { Heartbeat } from './heartbeat';

/** What a link reports to its connection. */
export interface LinkEvents {
  /** One server message (a BATCH arrives as its messages, in order). */
  message(frame: Uint8Array): void;
  /** A BATCH envelope did not decode. */
  undecodable(error: unknown): void;
  /** The transport closed, or the link dropped it; reported once per transport. */
  dropped(code: number, reason: string, errorCode?: string): void;
}

/**
 * The connection's one transport at a time: it opens one (CONNECT first), corks the frames of a
 * macrotask into one BATCH, splits the server's BATCHes, keeps the heartbeat informed, and
 * detaches a transport before closing it so its close event is handled once.
 */
export class ClientLink {
  readonly #factory: TransportFactory;
  readonly #events: LinkEvents;
  #heartbeat: Heartbeat | undefined;
  #transport: ClientTransport | undefined;
  /** Whether the current transport has opened (CONNECT sent): no PING may precede CONNECT. */
  #opened = false;
  /** Frames issued in this macrotask, sent together in a microtask. */
  readonly #cork = new MessageCork(CLIENT_MESSAGE.BATCH, OUTBOUND_BATCH);
  #nextPing = 1;

  constructor(factory: TransportFactory, events: LinkEvents) {
    this.#factory = factory;
    this.#events = events;
  }

  /** The heartbeat this link feeds (what it heard and said, when it starts and stops). */
  useHeartbeat(heartbeat: Heartbeat | undefined): void {
    this.#heartbeat = heartbeat;
  }

  /** Whether a transport is attached (open or opening). */
  get attached(): boolean {
    return this.#transport !== undefined;
  }

  /** Opens a new transport; its CONNECT carries `token`. */
  open(token: () => string): void {
    this.#opened = false;
    // From the attempt on, not from the open: a connect that hangs counts as silence too.
    this.#heartbeat?.start();
    const t = this.#factory({
      open: () => {
        if (this.#transport !== t) return;
        this.#opened = true;
        t.send(encodeConnect(PROTOCOL_VERSION, token()));
        this.#heartbeat?.spoke();
      },
      message: (frame) => {
        if (this.#transport === t) this.#receive(frame);
      },
      close: (code, reason) => {
        if (this.#transport === t) this.#ended(code, reason);
      },
    });
    this.#transport = t;
  }

  /**
   * Queues a frame: everything sent in the same macrotask (a burst of calls, the resubscriptions
   * after a reconnect) leaves as one BATCH in a microtask, in order. Dropped without a transport.
   */
  send(frame: Uint8Array): void {
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

  /** Sends a PING and returns its nonce; `onlyIfOpen` skips it (returning -1) before CONNECT left. */
  ping(onlyIfOpen = false): number {
    if (onlyIfOpen && !this.#opened) return -1;
    const nonce = this.#nextPing++;
    this.send(encodePing(nonce));
    return nonce;
  }

  /** One WebSocket message: a server message or a BATCH of them, handed over in order. */
  #receive(frame: Uint8Array): void {
    this.#heartbeat?.heard();
    if (frame[0] !== SERVER_MESSAGE.BATCH) {
      this.#events.message(frame);
      return;
    }
    let messages: Uint8Array[];
    try {
      messages = decodeBatch(frame, SERVER_MESSAGE.BATCH);
    } catch (error) {
      this.#events.undecodable(error);
      return;
    }
    const t = this.#transport;
    for (let i = 0; i < messages.length && this.#transport === t; i++) this.#events.message(messages[i]!);
  }

  /**
   * Closes the transport from this side and reports the drop with `message` (the heartbeat timed
   * out, a frame did not decode, the user closed). `drain` sends the corked frames first.
   */
  drop(code: number, wsReason: string, message: string, errorCode?: string, drain = false): void {
    const t = this.#transport;
    if (t === undefined) return;
    if (drain) this.#cork.drain((frame) => t.send(frame));
    // Detach first: the transport's own close event (the WebSocket transport's comes at once) is
    // then ignored and the drop is handled once.
    this.#transport = undefined;
    t.close(code, wsReason);
    this.#ended(code, message, errorCode);
  }

  #ended(code: number, reason: string, errorCode?: string): void {
    this.#transport = undefined;
    this.#opened = false;
    this.#heartbeat?.stop();
    this.#cork.clear();
    this.#events.dropped(code, reason, errorCode);
  }
}
