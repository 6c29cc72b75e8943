import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TickspaceError } from '../protocol/errors';
import { openDatabase, readManifest, type Database, type DatabaseOptions } from '../engine/tooling';
import type { ModuleDef } from '../engine';
import { parseShapeText, type ColumnShape } from '../protocol/column-kinds';
import { refuseRegionWorld, regionDirOf, regionModule } from './region-dir';

/** Where the CLI writes: injectable so tests run commands in-process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The default data directory: $TICKSPACE_DATA or ./data. */
export function defaultDataDir(): string {
  return process.env.TICKSPACE_DATA ?? 'data';
}

function looksLikeModule(value: unknown): value is ModuleDef {
  return (
    value !== null &&
    typeof value === 'object' &&
    'tables' in value &&
    'reducers' in value &&
    Array.isArray((value as ModuleDef).reducers)
  );
}

/**
 * Imports a module file: `path/to/file.ts` (its default export, or its only module-shaped export)
 * or `path/to/file.ts#name` (a named export). Relative paths resolve against `base`.
 * @throws TickspaceError INVALID_ARGUMENT when the file or export is missing or is not a module.
 */
export async function loadModule(spec: string, base = process.cwd()): Promise<ModuleDef> {
  const [file, name] = spec.split('#') as [string, string | undefined];
  const abs = path.resolve(base, file);
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (cause) {
    // A module file that refuses to load with an error of ours (invalid content, a bad option)
    // said what is wrong: keep its code and words rather than calling it a broken file.
    if (cause instanceof TickspaceError)
      throw new TickspaceError(cause.code, `${abs}: ${cause.message}`, { cause, details: cause.details });
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `cannot load module file ${abs}: ${(cause as Error).message}`,
      { cause, details: { file: abs } },
    );
  }
  if (name !== undefined) {
    if (!looksLikeModule(ns[name]))
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `${abs} has no module export named '${name}' (exports: ${Object.keys(ns).join(', ')})`,
      );
    return ns[name];
  }
  if (looksLikeModule(ns.default)) return ns.default;
  const candidates = Object.entries(ns).filter(([, v]) => looksLikeModule(v));
  if (candidates.length === 1) return candidates[0]![1] as ModuleDef;
  throw new TickspaceError(
    'INVALID_ARGUMENT',
    candidates.length === 0
      ? `${abs} exports no module (an object from defineModule)`
      : `${abs} exports several modules (${candidates.map(([k]) => k).join(', ')}): name one with ${file}#<export>`,
  );
}

/**
 * Opens a data directory for a command. `module` is loaded from `--module`, else from the path
 * the manifest recorded, else (a region's directory) built from its world's layout, when
 * `needsModule`; otherwise the stored schema is enough.
 * @throws TickspaceError BAD_DATA_DIR for a missing or foreign directory, INVALID_ARGUMENT when a
 * module is needed and none is known.
 */
export async function openForCli(
  dir: string,
  options: { module?: string | undefined; needsModule?: boolean; readOnly: boolean } & Partial<
    Omit<DatabaseOptions<ModuleDef>, 'module' | 'dir'>
  >,
): Promise<Database<ModuleDef>> {
  refuseRegionWorld(dir);
  const manifest = readManifest(dir);
  let module: ModuleDef | undefined;
  const spec = options.module ?? manifest.modulePath;
  if (options.needsModule) {
    if (spec !== undefined)
      module = await loadModule(spec, options.module !== undefined ? process.cwd() : path.resolve(dir));
    else {
      // A region's directory records no module file: its module is built from the world's layout.
      const region = regionDirOf(dir);
      if (region === undefined)
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          `this command runs reducers: pass --module <file.ts[#export]> (the data directory ${path.resolve(dir)} does not record one)`,
        );
      module = await regionModule(region);
    }
  }
  const { module: _m, needsModule: _n, ...rest } = options;
  const open = (m: ModuleDef | undefined, olderModules?: ModuleDef[]) =>
    openDatabase({
      ...rest,
      dir,
      module: m,
      olderModules,
      create: false,
      durability: options.durability ?? 'tick',
    });
  try {
    return await open(module);
  } catch (error) {
    // A reader whose module is an older schema version (a later one was published at runtime):
    // the module runs its own versions, the log's `__publish` payloads bring the newer code.
    if (!options.readOnly || module === undefined || (error as TickspaceError).code !== 'SCHEMA_MISMATCH')
      throw error;
    return open(undefined, [module]);
  }
}

/** A value as text: bigints with `n`, bytes as hex, everything else as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  if (value === undefined) return 'none';
  return JSON.stringify(value);
}

/** A row or argument object as `{a: 1, b: "x"}` text. */
export function formatRow(row: Readonly<Record<string, unknown>> | undefined): string {
  if (row === undefined) return '-';
  return (
    '{' +
    Object.entries(row)
      .map(([k, v]) => `${k}: ${formatValue(v)}`)
      .join(', ') +
    '}'
  );
}

/** JSON with bigints as strings ending in `n` and bytes as hex, for `--json`. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : v,
  );
}

/**
 * Parses command-line text as a value of a column.
 * @throws TickspaceError INVALID_ARGUMENT naming the column and the expected type.
 */
export function parseValue(text: string, shape: ColumnShape): unknown {
  const parsed = parseShapeText(shape, text);
  if (parsed.ok) return parsed.value;
  throw new TickspaceError(
    'INVALID_ARGUMENT',
    `'${shape.name}' expects ${parsed.expects}, got ${JSON.stringify(text)}`,
    { details: { column: shape.name } },
  );
}

/**
 * Parses a primary key from the command line: one value, or for a composite key the values
 * separated by commas (or a JSON array).
 * @throws TickspaceError INVALID_ARGUMENT
 */
export function parseKey(text: string, keyShapes: readonly ColumnShape[]): unknown {
  if (keyShapes.length === 1) return parseValue(text, keyShapes[0]!);
  let parts: string[];
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `the key ${JSON.stringify(text)} starts with '[' but is not a JSON array: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (!Array.isArray(parsed))
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `the key ${JSON.stringify(text)} starts with '[' but is not a JSON array`,
      );
    parts = parsed.map(String);
  } else parts = text.split(',');
  if (parts.length !== keyShapes.length)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `the key has ${keyShapes.length} columns (${keyShapes.map((s) => s.name).join(', ')}), got ${parts.length} value(s) in ${JSON.stringify(text)}`,
    );
  return parts.map((p, i) => parseValue(p.trim(), keyShapes[i]!));
}

/**
 * Parses an integer tick argument: decimal digits only (`Number` would read '' as 0, and take ' 5',
 * '0x5' or '5e0'; `rewind ''` must not mean tick 0). @throws TickspaceError INVALID_ARGUMENT
 */
export function parseTick(text: string, what = 'tick'): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${what} must be a non-negative integer, got ${JSON.stringify(text)}`,
    );
  return n;
}
