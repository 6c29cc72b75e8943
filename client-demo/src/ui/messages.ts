import { TOAST_KIND, type ToastKind } from './game-context';

/**
 * What players read for failures that are about the connection or the engine rather than a game
 * rule: the server's own message is written for developers there, so these replace it. Game rules
 * (Frontier's codes) come with sentences written for players and keep their message.
 */
const ENGINE_SENTENCES: Readonly<Record<string, string>> = {
  RATE_LIMITED: 'You are doing that too fast; wait a moment.',
  CONNECT_RATE_LIMITED: 'Too many attempts to connect; wait a moment and try again.',
  DISCONNECTED: 'You are not connected to the server right now.',
  TIMEOUT: 'The server did not answer in time; try again.',
  HANDSHAKE_TIMEOUT: 'The server did not answer in time; try again.',
  INTERNAL: 'Something went wrong on the server; try again.',
  SERVER_FULL: 'The world is full right now; try again later.',
  TOO_MANY_CONNECTIONS: 'Too many players are connecting from here.',
  INVALID_ARGUMENT: 'The game sent the server something it could not accept; reload the page.',
  UNKNOWN_REDUCER: 'This version of the game does not match the server; reload the page.',
  UNSUPPORTED_VERSION: 'This version of the game does not match the server; reload the page.',
};

/**
 * A failure as players read it: a sentence for engine and connection codes, else the reducer's
 * message as a sentence (capitalised, ending with a full stop). Never a bare code.
 * @example
 * playerMessage('RATE_LIMITED', 'client exceeded 60 calls/s'); // -> 'You are doing that too fast; wait a moment.'
 * playerMessage('TOO_FAR', 'Bob is 7.2 tiles away; trades need 5 or less'); // -> 'Bob is 7.2 tiles away; trades need 5 or less.'
 */
export function playerMessage(code: string | undefined, message: string): string {
  return (code === undefined ? undefined : engineSentence(code)) ?? humanMessage(message);
}

/** The fixed sentence of an engine or connection code, or undefined for a game rule's code. */
export function engineSentence(code: string): string | undefined {
  return ENGINE_SENTENCES[code];
}

/** Turns a reducer message into a sentence for players: capitalised, ending with a full stop. */
export function humanMessage(message: string): string {
  const m = message.trim();
  if (m === '') return 'Something went wrong.';
  const s = m[0]!.toUpperCase() + m.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Notice codes that are good or neutral news, not failures (trading's notices). */
const NOTICE_KINDS: Readonly<Record<string, ToastKind>> = {
  TRADE_COMPLETE: TOAST_KIND.SUCCESS,
  TRADE_DECLINED: TOAST_KIND.INFO,
  TRADE_CANCELLED: TOAST_KIND.INFO,
  DEMOLISHED: TOAST_KIND.SUCCESS,
  PROJECT_STAGE_COMPLETE: TOAST_KIND.SUCCESS,
};

/** The toast kind of a server notice: an action that could not finish is an error, trade news is not. */
export function noticeKind(code: string): ToastKind {
  return NOTICE_KINDS[code] ?? TOAST_KIND.ERROR;
}
