import type { CallResult } from '../engine';
import { encodeResult, RETURN_VALUE_VERSION, uvarBytes } from '../protocol';

/**
 * The RESULT of a call in the client's protocol version: its return value, unless that is over
 * `maxReturnBytes` (then RETURN_TOO_LARGE: the call committed and the log keeps the value, but
 * the client is not sent more than its limit). `reducers` names the reducer in that refusal.
 */
export function resultFrame(
  requestId: number,
  reducerId: number,
  result: CallResult,
  version: number,
  maxReturnBytes: number,
  reducers: ReducerNames,
): Uint8Array {
  const frame = encodeResult(requestId, result, version);
  if (!result.ok || result.returns === undefined || version < RETURN_VALUE_VERSION) return frame;
  // tag, request id, flag: what precedes the value.
  const valueBytes = frame.length - 2 - uvarBytes(requestId);
  if (valueBytes <= maxReturnBytes) return frame;
  const reducer = reducers.reducer(reducerId)?.name ?? `#${reducerId}`;
  return encodeResult(requestId, {
    ok: false,
    code: 'RETURN_TOO_LARGE',
    message: `reducer '${reducer}' committed, but its return value of ${valueBytes} bytes exceeds maxReturnBytes (${maxReturnBytes}); the log keeps it`,
  });
}

/** Reducer names by wire id (the wire schema's reducer table). */
interface ReducerNames {
  reducer(id: number): { readonly name: string } | undefined;
}
