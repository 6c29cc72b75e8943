export { compileServerSchema, recompileReducers } from './server-schema';
export type { ServerSchema } from './server-schema';
export { compileReducerTable } from './reducer-table';
export type { ReducerEntry, ReducerFn, ReducerTable } from './reducer-table';
export { describeSchema, describeTable } from './describe-schema';
export type { SchemaSource } from './describe-schema';
