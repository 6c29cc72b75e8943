import type { CallOrigin, CallRecord, CallResult } from './engine';
import type { Identity } from './identity';
import type { ReducerContext } from './module';

/** The result of every call that did not fail: one object. */
export const OK: CallResult = { ok: true };

/**
 * A queued call, which becomes its own {@link CallRecord} once it has run: one object per call
 * rather than a queue entry and a record (a tick of 20,000 calls keeps every one alive until it
 * commits, so each object per call is young-generation copying). The reducer and the result
 * callback are private, so a record compares and serialises as the plain record it stands for.
 */
export class QueuedCall implements CallRecord {
  readonly origin: CallOrigin;
  readonly reducer: string;
  readonly sender: Identity;
  readonly args: Record<string, unknown>;
  result: CallResult = OK;
  readonly scheduleId: number;
  #fn: (ctx: ReducerContext<any>, args: any) => void;
  #onResult: ((result: CallResult) => void) | undefined;

  constructor(
    origin: CallOrigin,
    reducer: string,
    fn: (ctx: ReducerContext<any>, args: any) => void,
    sender: Identity,
    args: Record<string, unknown>,
    onResult: ((result: CallResult) => void) | undefined,
    scheduleId = 0,
  ) {
    this.origin = origin;
    this.reducer = reducer;
    this.sender = sender;
    this.args = args;
    this.scheduleId = scheduleId;
    this.#fn = fn;
    this.#onResult = onResult;
  }

  /** Points the call at another version's reducer (a publish swapped the module before it ran). */
  rebind(fn: (ctx: ReducerContext<any>, args: any) => void): void {
    this.#fn = fn;
  }

  /** Runs the reducer (throws whatever it throws); returns what it returned (reducers return nothing). */
  invoke(ctx: ReducerContext<any>): unknown {
    return (this.#fn as (ctx: ReducerContext<any>, args: unknown) => unknown)(ctx, this.args);
  }

  /** Hands the result to the caller once (after fan-out), then drops the callback. */
  deliver(): void {
    const onResult = this.#onResult;
    if (onResult === undefined) return;
    this.#onResult = undefined;
    onResult(this.result);
  }
}
