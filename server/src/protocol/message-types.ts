/**
 * Message tags, query kinds and close codes of the Tickspace wire protocol, shared by the server
 * and the client SDK. Every value here is part of the wire format: change it only with a
 * {@link PROTOCOL_VERSION} bump and new golden fixtures.
 */

/**
 * Version sent in CONNECT; a server refuses versions it does not speak.
 * 2: BATCH in both directions (several messages in one WebSocket message).
 * 3: RESET names its reason and the tick whose state it carries (a rewind changes history).
 * 4: a runtime migration is announced in band (SCHEMA, answered by SCHEMA_ACK) instead of closing
 *    the session; older clients are still closed with {@link CLOSE_CODES.SCHEMA_CHANGED}.
 * 5: a circle query may declare a level of detail (the tag's `0x40` bit, then `f64 radius, uvar
 *    every`: see `query-lod.ts`); queries without one are written as in version 4.
 * 6: a RESULT may carry the reducer's return value (flag 2, then the value with its shape: see
 *    `return-value.ts`); older clients get the plain success (flag 1) for the same call.
 * 7: a follow query may declare a step (the tag's `0x20` bit, then `f64 step`: see
 *    `query-follow.ts`); follows without one are written as in version 6.
 */
export const PROTOCOL_VERSION = 7;

/** The first version whose RESULT may carry a return value (flag {@link RESULT_FLAG.VALUE}). */
export const RETURN_VALUE_VERSION = 6;

/** The `u8` after a RESULT's request id. */
export const RESULT_FLAG = {
  /** The call failed: `string code, string message` follow. */
  ERROR: 0,
  /** The call committed (and returned nothing, or the client speaks a version before 6). */
  OK: 1,
  /** The call committed and returned a value (version 6): the value with its shape follows. */
  VALUE: 2,
} as const;

/** The first version that receives SCHEMA and sends SCHEMA_ACK: its sessions stay open through a migration. */
export const SCHEMA_CHANGE_VERSION = 4;

/** The first version whose RESET carries a {@link RESET_REASON} and the state's tick. */
export const RESET_REASON_VERSION = 3;

/** Why the server sent a RESET (one byte on the wire from version 3). */
export const RESET_REASON = {
  /** The server rebuilt the client's view (its own bookkeeping failed): history is unchanged. */
  RESYNC: 0,
  /** The world was rewound: the state is that of an earlier tick, later ticks are undone. */
  REWIND: 1,
  /** The world was recovered from the log: the state is the last durable tick. */
  RECOVERY: 2,
  /**
   * A runtime migration reshaped the table (version 4): the rows in the new shape, after the
   * SCHEMA that announced it. History is unchanged.
   */
  SCHEMA: 3,
} as const;
/** One of {@link RESET_REASON}. */
export type ResetReason = (typeof RESET_REASON)[keyof typeof RESET_REASON];

/** The oldest version a server still serves (version 1 clients get no BATCH and may send none). */
export const OLDEST_PROTOCOL_VERSION = 1;

/** First byte of every client-to-server frame. */
export const CLIENT_MESSAGE = {
  /** `uvar version, string token` (empty token: a new anonymous identity). Must be the first frame. */
  CONNECT: 0x01,
  /** `uvar requestId, uvar reducerId, args` (the reducer's argument codec). */
  CALL: 0x02,
  /** `uvar queryId, query` (see {@link QUERY_KIND}). */
  SUBSCRIBE: 0x03,
  /** `uvar queryId`. */
  UNSUBSCRIBE: 0x04,
  /** `uvar nonce`. */
  PING: 0x05,
  /** `uvar count, (uvar byteLength, message)*`: messages handled as if they came one by one (version 2). */
  BATCH: 0x06,
  /**
   * `uvar schemaVersion` (version 4): the client has swapped to the SCHEMA of that version. Every
   * frame before it was encoded with the previous schema, every frame after it with this one.
   */
  SCHEMA_ACK: 0x07,
} as const;
/** One of {@link CLIENT_MESSAGE}. */
export type ClientMessageType = (typeof CLIENT_MESSAGE)[keyof typeof CLIENT_MESSAGE];

/** First byte of every server-to-client frame. */
export const SERVER_MESSAGE = {
  /** `identity (16 bytes), string token, uvar tick, schema descriptor`. */
  IDENTITY: 0x81,
  /** `uvar queryId, uvar tick, table sections` (rows the query adds to the client cache). */
  SUBSCRIBED: 0x82,
  /** `uvar queryId, uvar tick, table sections` (rows that left the client cache with the query). */
  UNSUBSCRIBED: 0x83,
  /** `uvar tick, table sections`: one per client per tick, only when something changed for it. */
  TICK_UPDATE: 0x84,
  /**
   * `uvar requestId, u8 flag` (see {@link RESULT_FLAG}), then for an error `string code, string
   * message`, for a value (version 6) `u8 kind [u8 inner kind], value`.
   */
  RESULT: 0x85,
  /** `uvar nonce, uvar tick`. */
  PONG: 0x86,
  /** `string code, string message`: a frame was refused (malformed, rate limited...). */
  ERROR: 0x87,
  /** `uvar queryId, string code, string message`. */
  SUBSCRIBE_ERROR: 0x88,
  /** `uvar closeCode, string code, string message`: sent just before the server closes. */
  CLOSE: 0x89,
  /** `uvar tick, uvar tableCount, (uvar tableId, uvar rowCount, rows)*`: replaces the listed tables' cache. */
  RESET: 0x8a,
  /** `uvar count, (uvar byteLength, message)*`: messages applied in order, e.g. a tick's update and results (version 2). */
  BATCH: 0x8b,
  /**
   * `uvar schemaVersion, schema descriptor, uvar resetCount, (uvar tableId)*, uvar endedCount,
   * (uvar queryId, string code, string message)*` (version 4): a runtime migration's boundary. Every
   * frame after it is in the new schema (table ids included), every one before it in the old. The
   * listed tables (new ids) get a RESET (reason SCHEMA) later in the same tick; the listed
   * queries ended (their table or a column or index they use is gone); other queries go on.
   */
  SCHEMA: 0x8c,
} as const;
/** One of {@link SERVER_MESSAGE}. */
export type ServerMessageType = (typeof SERVER_MESSAGE)[keyof typeof SERVER_MESSAGE];

/**
 * Tag of a query on the wire (its low 5 bits; from version 5 the `0x40` bit says a level-of-detail
 * declaration ends the query; from version 7 the `0x20` bit is the kind's own flag, which only a
 * follow sets, for its step).
 */
export const QUERY_KIND = {
  /** `uvar tableId`: every row the client may see. */
  TABLE: 0,
  /** `uvar tableId, uvar indexNo, values`: rows whose index columns equal the values. */
  INDEX_EQ: 1,
  /** `uvar tableId, f64 minX, minY, maxX, maxY`. */
  RECT: 2,
  /** `uvar tableId, f64 x, y, radius, exitRadius`. */
  RADIUS: 3,
  /** `uvar tableId, uvar followTableId, key, f64 radius, exitRadius` (flag `0x20`: then `f64 step`). */
  FOLLOW: 4,
  /** `uvar tableId, uvar indexNo, u8 bounds (1: gte, 2: lt), gte?, lt?`: rows whose btree index value lies in [gte, lt). */
  RANGE: 5,
} as const;
/** One of {@link QUERY_KIND}. */
export type QueryKind = (typeof QUERY_KIND)[keyof typeof QUERY_KIND];

/**
 * WebSocket close codes the server uses. 1000-1013 are the standard codes; 4000-4099 are ours.
 * The same code travels in the CLOSE frame, so the loopback transport reports it too.
 */
export const CLOSE_CODES = {
  /** Normal closure (the client or the server asked for it). */
  NORMAL: 1000,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** A frame broke the protocol beyond recovery (e.g. a message before CONNECT). */
  PROTOCOL_ERROR: 1002,
  /** A text frame: the protocol is binary only. */
  UNSUPPORTED_DATA: 1003,
  /** Abuse: too many malformed frames or too many rate-limited calls. */
  POLICY_VIOLATION: 1008,
  /** A frame larger than `maxFrameBytes`. */
  MESSAGE_TOO_BIG: 1009,
  /** An unexpected server fault. */
  INTERNAL_ERROR: 1011,
  /** The server has `maxClients` sessions. */
  TRY_AGAIN_LATER: 1013,
  /** The token in CONNECT failed verification. */
  INVALID_TOKEN: 4001,
  /** No CONNECT within `handshakeTimeoutMs`. */
  HANDSHAKE_TIMEOUT: 4002,
  /** The client stayed over the backpressure limit (a slow or stalled reader). */
  BACKPRESSURE: 4003,
  /** Another connection took over this identity. */
  REPLACED: 4004,
  /** CONNECT named a protocol version the server does not speak. */
  UNSUPPORTED_VERSION: 4005,
  /** The client sent no frame for `idleTimeoutMs` (a dead link, or a client that does not speak the protocol). */
  IDLE_TIMEOUT: 4006,
  /** Sent by the SDK: it heard nothing from the server for its heartbeat timeout and drops the link to reconnect. */
  HEARTBEAT_TIMEOUT: 4007,
  /** Sent by the SDK: a server frame did not decode, so its cache may be half-updated; it reconnects for a fresh session. */
  UNDECODABLE_FRAME: 4008,
  /**
   * A runtime migration changed the schema and the client speaks a protocol version before
   * {@link SCHEMA_CHANGE_VERSION} (which would receive SCHEMA in band and stay connected): it
   * reconnects, receives the new schema in IDENTITY and resubscribes.
   */
  SCHEMA_CHANGED: 4009,
} as const;
/** One of {@link CLOSE_CODES}. */
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];
