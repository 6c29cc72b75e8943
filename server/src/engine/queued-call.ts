import type { CallOrigin, CallRecord, CallResult } from './engine';
import type { Identity } from './identity';
import type { ReducerContext } from './module';

/** The result of every call that did not fail: one object. */
export const OK: CallResult = { ok: true };

/** A reducer body or lifecycle hook as a queued call runs it. */
type CallBody = (ctx: ReducerContext<any>, args: any) => unknown;

/**
 * A queued call, which becomes its own {@link CallRecord} once it has run: one object per call
 * rather than a queue entry and a record. It is an object literal made in one place
 * ({@link queuedCall}), not a class instance: a tick of 20,000 calls keeps every one alive until it
 * commits, and V8 allocates the objects of a literal whose objects survive straight into the old
 * generation (allocation-site pretenuring), where a class instance would be copied by every
 * young-generation collection of the tick (measured with `engine-call-profile.ts fixed`: the
 * keynote's bytes copied per call fell from about 180 to 85, the single-row update's from 40 to 3).
 * Its two engine-only fields are not part of the record it is typed as: JSON leaves them out, and
 * `onResult` is cleared once the result is delivered. `fn` is never cleared: in the same
 * measurement, writing `undefined` over it after the call ran made the update copy 137 bytes per
 * call again.
 */
export interface QueuedCall extends CallRecord {
  result: CallResult;
  /** The body to run (a publish may point a queued call at another version's). */
  fn: CallBody;
  /** Who gets the result after fan-out: undefined once delivered. */
  onResult: ((result: CallResult) => void) | undefined;
}

/** A call to queue (`scheduleId`: the schedule row of a scheduled call, else 0). */
export function queuedCall(
  origin: CallOrigin,
  reducer: string,
  fn: CallBody,
  sender: Identity,
  args: Record<string, unknown>,
  onResult: ((result: CallResult) => void) | undefined,
  scheduleId = 0,
): QueuedCall {
  return { origin, reducer, sender, args, result: OK, scheduleId, fn, onResult };
}

/** Runs the call's body (throws whatever it throws); returns what it returned (reducers return nothing). */
export function invoke(call: QueuedCall, ctx: ReducerContext<any>): unknown {
  return call.fn(ctx, call.args);
}

/** Hands the result to the caller once (after fan-out), then drops the callback. */
export function deliver(call: QueuedCall): void {
  const onResult = call.onResult;
  if (onResult === undefined) return;
  call.onResult = undefined;
  onResult(call.result);
}
