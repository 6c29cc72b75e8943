import { TickspaceError, type AnyErrorCode } from '../protocol';

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: TickspaceError<AnyErrorCode>): void;
  readonly reducer: string;
  /** `performance.now()` after which the call rejects with TIMEOUT. */
  readonly deadline: number;
}

/**
 * The reducer calls a connection awaits results for, by request id. Every call gets the same
 * timeout, so the map's insertion order is deadline order: one timer, armed for the oldest call,
 * serves them all (a busy client has thousands in flight; a timer each would cost more than the
 * calls).
 */
export class PendingCalls {
  readonly #calls = new Map<number, PendingCall>();
  readonly #timeoutMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** @param timeoutMs a call without a result after this long rejects with TIMEOUT; 0 waits forever. */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** A promise for call `requestId`'s outcome. */
  add(requestId: number, reducer: string): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.#calls.set(requestId, { resolve, reject, reducer, deadline: performance.now() + this.#timeoutMs });
      if (this.#timer === undefined) this.#arm();
    });
  }

  /**
   * Settles a call from its RESULT: resolves on success (with the reducer's return value, if it
   * sent one), rejects with the server's code otherwise. Unknown ids are ignored.
   */
  settle(requestId: number, ok: boolean, code = '', message = '', value?: unknown): void {
    const call = this.#calls.get(requestId);
    if (call === undefined) return;
    this.#calls.delete(requestId);
    if (ok) call.resolve(value);
    else call.reject(new TickspaceError<AnyErrorCode>(code, message, { details: { requestId } }));
  }

  /** Rejects every pending call with `error` (the connection dropped). */
  failAll(error: () => TickspaceError<AnyErrorCode>): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    for (const call of calls) call.reject(error());
  }

  #arm(): void {
    if (this.#timeoutMs <= 0) return;
    const oldest = this.#calls.values().next();
    if (oldest.done === true) return;
    this.#timer = setTimeout(this.#expire, Math.max(0, oldest.value.deadline - performance.now()));
  }

  readonly #expire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    for (const [requestId, call] of this.#calls) {
      if (call.deadline > now) break;
      this.#calls.delete(requestId);
      call.reject(
        new TickspaceError('TIMEOUT', `no result for '${call.reducer}' within ${this.#timeoutMs} ms`, {
          details: { requestId },
        }),
      );
    }
    this.#arm();
  };
}
