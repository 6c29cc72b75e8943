/** The wire protocol: error codes, column kinds, binary reader/writer and the schema-driven row codec. */
export { ERROR_CODES, TickspaceError, ReducerError, CALLER_FAULT_CODES } from './errors';
export type { ErrorCode, AnyErrorCode, TickspaceErrorOptions } from './errors';
export { COLUMN_KINDS } from './column-kinds';
export type { ColumnKind, ColumnShape } from './column-kinds';
export { BinaryWriter, uvarBytes } from './binary-writer';
export { BinaryReader } from './binary-reader';
export { compileRowCodec, compileValueCodec } from './row-codec';
export type { RowCodec } from './row-codec';
export {
  PROTOCOL_VERSION,
  OLDEST_PROTOCOL_VERSION,
  CLIENT_MESSAGE,
  SERVER_MESSAGE,
  QUERY_KIND,
  CLOSE_CODES,
  RESET_REASON,
  RESET_REASON_VERSION,
  SCHEMA_CHANGE_VERSION,
  RETURN_VALUE_VERSION,
  RESULT_FLAG,
} from './message-types';
export { writeReturnValue, readReturnValue } from './return-value';
export type {
  ClientMessageType,
  ServerMessageType,
  QueryKind,
  CloseCode,
  ResetReason,
} from './message-types';
export { wireMapKey, sameValue } from './map-key';
export { encodeSchemaDescriptor, decodeSchemaDescriptor } from './schema-descriptor';
export type {
  SchemaDescriptor,
  TableDescriptor,
  IndexDescriptor,
  ReducerDescriptor,
} from './schema-descriptor';
export { compileUpdateCodec } from './update-codec';
export type { UpdateCodec } from './update-codec';
export { compileWireSchema } from './wire-schema';
export type { WireSchema, WireTable, WireReducer, KeyCodec } from './wire-schema';
export {
  encodeQuery,
  decodeQuery,
  describeQuery,
  queryFeature,
  queryKindOf,
  queryLod,
  WIRE_QUERY_KINDS,
} from './query';
export { lodProblem, LOD_FLAG, LOD_VERSION } from './query-lod';
export { followStepProblem, FOLLOW_STEP_FLAG, FOLLOW_STEP_VERSION } from './query-follow';
export type {
  LodSpec,
  Query,
  QueryKindName,
  QueryOfKind,
  WireQueryKind,
  TableQuery,
  IndexQuery,
  RectQuery,
  NearQuery,
  FollowQuery,
  FollowArea,
  FollowStep,
  RangeQuery,
  RectArea,
  CircleArea,
} from './query';
export {
  encodeConnect,
  encodeCall,
  encodeSubscribe,
  encodeUnsubscribe,
  encodePing,
  decodeClientMessage,
  MAX_TOKEN_CHARS,
} from './client-messages';
export type { ClientMessage } from './client-messages';
export {
  encodeIdentity,
  encodeTableSections,
  encodeTickUpdate,
  encodeSubscribed,
  encodeUnsubscribed,
  encodeReset,
  encodeResult,
  encodePong,
  encodeError,
  encodeSubscribeError,
  encodeClose,
  readTableSections,
  decodeServerMessage,
  okResultRequestId,
  writeIdentityBytes,
  MAX_WIRE_MESSAGE_CHARS,
} from './server-messages';
export type { TableChanges, ServerMessage, SectionVisitor, ResetCause, ResultFrame } from './server-messages';
export { encodeSchemaHead, encodeSchemaChange, encodeSchemaAck, readSchemaChange } from './schema-change';
export type { SchemaChange, EndedQuery } from './schema-change';
export { encodeBatch, decodeBatch, MessageCork } from './batch';
export type { BatchTag, CorkLimits } from './batch';
export type {
  ServerConnection,
  SessionInput,
  TransportEvents,
  ClientTransport,
  TransportFactory,
} from './transport';
