import {
  describeQuery,
  encodeSubscribe,
  followStepProblem,
  lodProblem,
  queryKindOf,
  queryLod,
  encodeUnsubscribe,
  TickspaceError,
  type AnyErrorCode,
  type Query,
  type WireSchema,
} from '../protocol';
import { pending, type Sub, type SubscriptionHandle } from './subscription-handle';

/** What the subscriptions need of their connection. */
export interface SubscriptionLink {
  /** Whether the connection is open (a SUBSCRIBE may be sent now). */
  readonly open: boolean;
  /** The schema queries are encoded with. */
  readonly wire: WireSchema | undefined;
  send(frame: Uint8Array): void;
}

/** What the SDK itself finds wrong with a query's level of detail: its shape, and a circle kind to carry it. */
function lodError(query: Query): string | undefined {
  const lod = queryLod(query);
  if (lod === undefined) return undefined;
  const kind = queryKindOf(query).name;
  return kind === 'near' || kind === 'follow'
    ? lodProblem(lod)
    : 'a level of detail (lod) needs a circle query (near or follow)';
}

/** The SDK's own checks of a query before it is sent: its level of detail and a follow's step. */
function queryRefusal(query: Query): TickspaceError | undefined {
  const problem = lodError(query) ?? ('follow' in query ? followStepProblem(query.follow) : undefined);
  if (problem === undefined) return undefined;
  return new TickspaceError('INVALID_QUERY', `query ${describeQuery(query)}: ${problem}`, {
    details: { table: query.table },
  });
}

/**
 * A connection's subscriptions by query id: the handles it gave out, what the server answered for
 * each (SUBSCRIBED, SUBSCRIBE_ERROR, UNSUBSCRIBED, a migration's end), and the queries to send
 * again after a reconnect.
 */
export class ClientSubscriptions {
  readonly #subs = new Map<number, Sub>();
  readonly #link: SubscriptionLink;
  #nextQuery = 1;

  constructor(link: SubscriptionLink) {
    this.#link = link;
  }

  /** The subscription with this query id, if the connection holds it. */
  get(queryId: number): Sub | undefined {
    return this.#subs.get(queryId);
  }

  /** The active subscriptions, in id order (what a reconnect sends again). */
  active(): Sub[] {
    return [...this.#subs.values()].filter((s) => s.active);
  }

  /**
   * Sends a query (at once when open, else after the next handshake) and returns its handle. A
   * malformed level of detail or follow step is refused here, before anything is sent: `applied`
   * rejects with INVALID_QUERY (the server checks them again, the level of detail with its own
   * `maxLodEvery`).
   */
  subscribe(query: Query): SubscriptionHandle {
    const id = this.#nextQuery++;
    const p = pending();
    const refused = queryRefusal(query);
    const sub: Sub = {
      id,
      query,
      active: true,
      applied: p.promise,
      resolve: p.resolve,
      reject: p.reject,
      unsubscribed: undefined,
      error: undefined,
    };
    const link = this.#link;
    if (refused !== undefined) {
      sub.active = false;
      sub.error = refused;
      p.reject(refused);
    } else this.#subs.set(id, sub);
    if (refused === undefined && link.open && link.wire !== undefined) {
      try {
        link.send(encodeSubscribe(link.wire, id, sub.query));
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
      if (!link.open) {
        this.#subs.delete(id);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        sub.unsubscribed = resolve;
        link.send(encodeUnsubscribe(id));
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
      get error() {
        return sub.error;
      },
      unsubscribe,
    };
  }

  /** SUBSCRIBED: the query's rows are in the cache. */
  subscribed(queryId: number): void {
    this.#subs.get(queryId)?.resolve();
  }

  /** UNSUBSCRIBED: the query's rows have left the cache. */
  unsubscribed(queryId: number): void {
    this.#subs.get(queryId)?.unsubscribed?.();
    this.#subs.delete(queryId);
  }

  /**
   * SUBSCRIBE_ERROR, or a migration that ended the query: the subscription stops, `applied`
   * rejects if it had not resolved, `error` says why. Returns the subscription, if it was known.
   */
  ended(queryId: number, error: TickspaceError<AnyErrorCode>): Sub | undefined {
    const sub = this.#subs.get(queryId);
    if (sub === undefined) return undefined;
    sub.active = false;
    sub.error = error;
    sub.reject(error);
    sub.unsubscribed?.();
    this.#subs.delete(queryId);
    return sub;
  }

  /** The connection closed for good: every subscription stops with `error`. */
  closeAll(error: TickspaceError<AnyErrorCode>): void {
    for (const s of this.#subs.values()) {
      s.active = false;
      s.reject(error);
      s.unsubscribed?.();
    }
  }
}
