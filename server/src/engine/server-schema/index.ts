export { atVersion, compileServerSchema, recompileReducers, withReducers } from './server-schema';
export type { ServerSchema } from './server-schema';
export type { ReducerFn } from './reducer-table';
export { describeSchema } from './describe-schema';
