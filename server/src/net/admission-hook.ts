import type { Identity, Logger } from '../engine';
import { CLOSE_CODES } from '../protocol';

/**
 * Why an identity may not open a session here: the WebSocket close code, a stable UPPER_SNAKE
 * error code and a message. The client reads all three in the CLOSE frame (its `connect()` rejects
 * with a `TickspaceError` of that code).
 */
export interface Refusal {
  /** A WebSocket close code a server may send for a refusal: 1000, 1008, 1011, 1013, or 3000 to 4999. */
  readonly closeCode: number;
  readonly code: string;
  readonly message: string;
}

/**
 * The session hub's admission hook: called once per connection with the authenticated identity
 * (a verified token's, or the new identity of a tokenless CONNECT), after the token is checked and
 * before the session is created. It answers undefined to admit, or a {@link Refusal}: the
 * connection is then closed with it, and no session is registered, no subscription client is added,
 * no IDENTITY is sent and no connect lifecycle call runs. It runs in the frame handler, so it must
 * be synchronous and cheap; a throw, or a refusal that is not well formed, is a server fault: it is
 * logged and the client is closed with INTERNAL_ERROR (never admitted by accident).
 * @example
 * createServer({ engine, admit: (id) => (banned.has(id) ? { closeCode: 4403, code: 'BANNED', message: 'banned' } : undefined) });
 */
export type AdmitHook = (identity: Identity) => Refusal | undefined;

const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;
/** The RFC 6455 codes that fit a refusal; the others below 3000 mean something else (or are never sent). */
const PROTOCOL_REFUSALS: ReadonlySet<number> = new Set([1000, 1008, 1011, 1013]);

/**
 * Why a hook's answer is not a usable refusal, or undefined if it is one.
 * @example
 * refusalFault({ closeCode: 4090, code: 'NOT_HERE', message: 'moved' }); // -> undefined
 */
export function refusalFault(refusal: Refusal): string | undefined {
  const { closeCode, code, message } = refusal;
  if (
    !PROTOCOL_REFUSALS.has(closeCode) &&
    !(Number.isInteger(closeCode) && closeCode >= 3000 && closeCode <= 4999)
  )
    return `closeCode must be 1000, 1008, 1011, 1013 or an integer from 3000 to 4999, got ${String(closeCode)}`;
  if (typeof code !== 'string' || !ERROR_CODE.test(code))
    return `code must be UPPER_SNAKE text, got ${JSON.stringify(code)}`;
  if (typeof message !== 'string') return `message must be text, got ${typeof message}`;
  return undefined;
}

/**
 * The hook's answer for `identity`: undefined to admit, else the refusal. A hook that throws or
 * answers a malformed refusal refuses with INTERNAL_ERROR (a server fault, logged): a broken hook
 * never admits by accident.
 */
export function askAdmission(
  hook: AdmitHook | undefined,
  identity: Identity,
  logger: Logger,
): Refusal | undefined {
  if (hook === undefined) return undefined;
  try {
    const refusal = hook(identity);
    const fault = refusal === undefined ? undefined : refusalFault(refusal);
    if (fault !== undefined) throw new TypeError(`the admission hook's refusal is malformed: ${fault}`);
    return refusal;
  } catch (error) {
    logger.error(`session ${identity}: the admission hook failed`, error);
    return {
      closeCode: CLOSE_CODES.INTERNAL_ERROR,
      code: 'INTERNAL',
      message: 'the server failed to admit the connection',
    };
  }
}
