import { BinaryReader } from './binary-reader';
import { BinaryWriter } from './binary-writer';
import { TickspaceError } from './errors';
import { CLIENT_MESSAGE } from './message-types';
import { decodeQuery, encodeQuery, type Query } from './query';
import type { WireSchema } from './wire-schema';

/** A decoded client-to-server message. */
export type ClientMessage =
  | { readonly type: 'connect'; readonly version: number; readonly token: string }
  | {
      readonly type: 'call';
      readonly requestId: number;
      readonly reducerId: number;
      readonly args: Record<string, unknown>;
    }
  | { readonly type: 'subscribe'; readonly queryId: number; readonly query: Query }
  | { readonly type: 'unsubscribe'; readonly queryId: number }
  | { readonly type: 'ping'; readonly nonce: number }
  | { readonly type: 'schemaAck'; readonly version: number };

/** Tokens longer than this are refused before any HMAC work. */
export const MAX_TOKEN_CHARS = 512;

const writer = new BinaryWriter(256);

/** CONNECT: the first frame of every connection. An empty token asks for a new identity. */
export function encodeConnect(version: number, token: string): Uint8Array {
  return writer.reset().u8(CLIENT_MESSAGE.CONNECT).uvar(version).string(token).toBytes();
}

/**
 * CALL: a reducer call by id with its arguments in column order. The arguments are checked first
 * with the engine's own rules, so the wire never carries a value the engine would refuse.
 * @throws TickspaceError UNKNOWN_REDUCER if the schema has no such reducer, INVALID_ARGUMENT naming the argument.
 */
export function encodeCall(
  schema: WireSchema,
  requestId: number,
  reducer: string,
  args: Readonly<Record<string, unknown>>,
): Uint8Array {
  const r = schema.reducerByName(reducer);
  if (r === undefined)
    throw new TickspaceError('UNKNOWN_REDUCER', `no reducer named '${reducer}'`, { details: { reducer } });
  const valid = r.validate(args);
  writer.reset().u8(CLIENT_MESSAGE.CALL).uvar(requestId).uvar(r.id);
  r.args.encode(writer, valid);
  return writer.toBytes();
}

/** SUBSCRIBE: a query under a client-chosen id. @throws TickspaceError UNKNOWN_TABLE, UNKNOWN_INDEX */
export function encodeSubscribe(schema: WireSchema, queryId: number, query: Query): Uint8Array {
  writer.reset().u8(CLIENT_MESSAGE.SUBSCRIBE).uvar(queryId);
  encodeQuery(writer, schema, query);
  return writer.toBytes();
}

/** UNSUBSCRIBE. */
export function encodeUnsubscribe(queryId: number): Uint8Array {
  return writer.reset().u8(CLIENT_MESSAGE.UNSUBSCRIBE).uvar(queryId).toBytes();
}

/** PING: answered by PONG with the same nonce; every frame sent before the PONG has arrived. */
export function encodePing(nonce: number): Uint8Array {
  return writer.reset().u8(CLIENT_MESSAGE.PING).uvar(nonce).toBytes();
}

function end(r: BinaryReader): void {
  if (r.remaining !== 0) r.fail(`${r.remaining} trailing byte(s)`);
}

/**
 * Decodes one client frame, strictly: unknown tags, short frames and trailing bytes are refused.
 * Errors about one request carry its id in `details.requestId` (or `details.queryId`) so the
 * server can answer that request instead of the connection.
 * @throws TickspaceError MALFORMED_FRAME; UNKNOWN_REDUCER and INVALID_ARGUMENT (with requestId);
 *   UNKNOWN_TABLE and UNKNOWN_INDEX (with queryId).
 */
export function decodeClientMessage(frame: Uint8Array, schema: WireSchema): ClientMessage {
  const r = new BinaryReader(frame);
  const tag = r.u8();
  switch (tag) {
    case CLIENT_MESSAGE.CONNECT: {
      const version = r.uvar();
      const token = r.string();
      if (token.length > MAX_TOKEN_CHARS) r.fail(`token longer than ${MAX_TOKEN_CHARS} characters`);
      end(r);
      return { type: 'connect', version, token };
    }
    case CLIENT_MESSAGE.CALL: {
      const requestId = r.uvar();
      const reducerId = r.uvar();
      const red = schema.reducer(reducerId);
      if (red === undefined)
        throw new TickspaceError('UNKNOWN_REDUCER', `no reducer with id ${reducerId}`, {
          details: { requestId, reducerId },
        });
      let args: Record<string, unknown>;
      try {
        args = red.args.decode(r);
        end(r);
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          `reducer '${red.name}': arguments do not decode: ${why}`,
          {
            details: { requestId, reducer: red.name },
            cause,
          },
        );
      }
      return { type: 'call', requestId, reducerId, args };
    }
    case CLIENT_MESSAGE.SUBSCRIBE: {
      const queryId = r.uvar();
      try {
        const query = decodeQuery(r, schema);
        end(r);
        return { type: 'subscribe', queryId, query };
      } catch (cause) {
        if (cause instanceof TickspaceError)
          throw new TickspaceError(cause.code, cause.message, {
            details: { ...cause.details, queryId },
            cause,
          });
        throw cause;
      }
    }
    case CLIENT_MESSAGE.UNSUBSCRIBE: {
      const queryId = r.uvar();
      end(r);
      return { type: 'unsubscribe', queryId };
    }
    case CLIENT_MESSAGE.PING: {
      const nonce = r.uvar();
      end(r);
      return { type: 'ping', nonce };
    }
    case CLIENT_MESSAGE.SCHEMA_ACK: {
      const version = r.uvar();
      end(r);
      return { type: 'schemaAck', version };
    }
    case CLIENT_MESSAGE.BATCH:
      return r.fail('BATCH is a container, not a message: split it with decodeBatch');
    default:
      return r.fail(`unknown client message tag 0x${tag.toString(16)}`);
  }
}
