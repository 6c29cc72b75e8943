import type { AnyErrorCode, Query, TickspaceError } from '../protocol';

/** A live subscription. */
export interface SubscriptionHandle {
  readonly id: number;
  readonly query: Query;
  /** Resolves once the server has sent the query's rows (and again after each reconnect). Rejects if the server refuses the query. */
  readonly applied: Promise<void>;
  /** Whether the subscription is active (not refused, not unsubscribed, not ended by a migration). */
  readonly active: boolean;
  /**
   * Why the server ended the subscription, if it did: a runtime migration removed its table, or a
   * column, index or followed table it uses (see {@link Connection.onSchemaChanged}).
   */
  readonly error: TickspaceError<AnyErrorCode> | undefined;
  /** Stops the subscription; resolves once its rows have left the cache. */
  unsubscribe(): Promise<void>;
}

/** The connection's record of one subscription, behind its handle. */
export interface Sub {
  readonly id: number;
  readonly query: Query;
  active: boolean;
  applied: Promise<void>;
  resolve: () => void;
  reject: (error: TickspaceError<AnyErrorCode>) => void;
  /** Unsubscribe waiters. */
  unsubscribed: (() => void) | undefined;
  /** Why the server ended it (a migration), once it did. */
  error: TickspaceError<AnyErrorCode> | undefined;
}

/** A promise with its settle functions; an unobserved rejection is not reported as unhandled. */
export const pending = <T = void>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: TickspaceError<AnyErrorCode>) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
};
