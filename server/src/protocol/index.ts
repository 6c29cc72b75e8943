/** The wire protocol: error codes, column kinds, binary reader/writer and the schema-driven row codec. */
export { ERROR_CODES, TickspaceError, ReducerError, CALLER_FAULT_CODES } from './errors';
export type { ErrorCode, TickspaceErrorOptions } from './errors';
export { COLUMN_KINDS } from './column-kinds';
export type { ColumnKind, ColumnShape } from './column-kinds';
export { BinaryWriter } from './binary-writer';
export { BinaryReader } from './binary-reader';
export { compileRowCodec, compileValueCodec } from './row-codec';
export type { RowCodec } from './row-codec';
