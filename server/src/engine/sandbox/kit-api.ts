import { ERROR_CODES, ReducerError, TickspaceError } from '../../protocol/errors';
import { isIdentity, SERVER_IDENTITY, toIdentity } from '../identity';
import { createSchema, defineModule } from '../module';
import { COLUMN_KINDS } from '../../protocol/column-kinds';
import { t, table } from '../schema';
import { compareValues } from '../values';

/**
 * The only import a sandboxed module has: what a module file declares itself with (tables,
 * columns, reducers, errors). No engine, no log, no network: a module describes; the host runs.
 */
export const KIT_API = {
  t,
  table,
  COLUMN_KINDS,
  createSchema,
  defineModule,
  ReducerError,
  TickspaceError,
  ERROR_CODES,
  SERVER_IDENTITY,
  isIdentity,
  toIdentity,
  // The engine's ordering of column values (a module sorts rows the way indexes do).
  compareValues,
} as const;

/**
 * Import specifiers that mean the kit API inside a sandboxed module. Relative or absolute imports
 * that resolve into the engine's source folder mean it too (the bundler maps them here), so a module
 * file that `tickspace serve --module` imports directly bundles unchanged.
 */
export const KIT_SPECIFIERS: readonly string[] = [
  'tickspace',
  '@tickspace/server/engine',
  '@tickspace/server',
];

/** The name the bundler gives every kit import in a bundle's `require(...)` calls. */
export const KIT_BUNDLE_NAME = 'tickspace';
