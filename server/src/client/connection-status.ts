import { CLOSE_CODES } from '../protocol';

/** Connection states. */
export const CONNECTION_STATUS = {
  CONNECTING: 'connecting',
  OPEN: 'open',
  RECONNECTING: 'reconnecting',
  CLOSED: 'closed',
} as const;
/** How the server's history changed under a client (see {@link Connection.onHistoryChanged}). */
export type HistoryChange = 'rewind' | 'recovery';

/** One of {@link CONNECTION_STATUS}. */
export type ConnectionStatus = (typeof CONNECTION_STATUS)[keyof typeof CONNECTION_STATUS];

/** Why the connection closed (the server's CLOSE frame, or the transport's close). */
export interface CloseReason {
  readonly closeCode: number;
  readonly code: string;
  readonly message: string;
}

/** Close codes after which reconnecting cannot help. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set<number>([
  CLOSE_CODES.INVALID_TOKEN,
  CLOSE_CODES.REPLACED,
  CLOSE_CODES.UNSUPPORTED_VERSION,
  CLOSE_CODES.POLICY_VIOLATION,
  CLOSE_CODES.PROTOCOL_ERROR,
  CLOSE_CODES.UNSUPPORTED_DATA,
]);
