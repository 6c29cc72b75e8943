import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSchema, defineModule, t, table } from '../../src/engine';

/** The engine's folder: user modules in temp dirs import the kit from it by absolute path. */
const ENGINE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/engine');

/** Options for {@link counterModuleText}. */
export interface CounterOptions {
  /** What `bump` adds: the reducer body that versions change. @default 1 */
  readonly step?: number;
  /** Appends a column: a schema change a publish must refuse. @default false */
  readonly extraColumn?: boolean;
  /**
   * Version 2 of the schema, additive: counter gains `level` (default 1), a new `badge` table and
   * a new reducer `levelUp` (appended, so earlier reducer ids keep their meaning). @default false
   */
  readonly v2?: boolean;
  /** The kit import specifier. @default ENGINE_DIR */
  readonly kit?: string;
  /** Extra top-level code (e.g. an import that must be refused). @default '' */
  readonly prelude?: string;
  /** Import STEP from `./step.ts` (a second file of the module) instead of declaring it. @default false */
  readonly stepFromFile?: boolean;
  /** The module's warm hook, as source (e.g. `() => {}`). @default none */
  readonly warm?: string;
}

/**
 * A user module as a file's text: a public counter table, `bump` (adds `step`), `spin` (writes,
 * then loops for ever), `misuse` (reaches for what the sandbox withholds) and an internal `tock`
 * scheduled every 100 ms from init.
 */
export function counterModuleText(options: CounterOptions = {}): string {
  const step = options.step ?? 1;
  const kit = JSON.stringify(options.kit ?? ENGINE_DIR);
  return `${options.prelude ?? ''}
import { createSchema, defineModule, ReducerError, t, table } from ${kit};

const schema = createSchema({
  counter: table({ public: true }, { id: t.u32().primaryKey(), value: t.u32()${options.extraColumn ? ', note: t.string()' : ''}${options.v2 ? ', level: t.u8().default(1)' : ''} }),${options.v2 ? '\n  badge: table({ public: true }, { id: t.u32().primaryKey(), name: t.string() }),' : ''}
});
${options.stepFromFile ? "import { STEP } from './step';" : `const STEP = ${step};`}
function add(ctx, id: number, by: number) {
  const row = ctx.db.counter.find(id);
  if (row === undefined) ctx.db.counter.insert({ id, value: by${options.extraColumn ? ", note: ''" : ''}${options.v2 ? ', level: 1' : ''} });
  else ctx.db.counter.update({ ...row, value: row.value + by });
}
const bump = schema.reducer('bump', { id: t.u32() }, (ctx, { id }) => add(ctx, id, STEP));
const spin = schema.reducer('spin', { id: t.u32() }, (ctx, { id }) => {
  add(ctx, id, 1000);
  for (;;) {}
});
const misuse = schema.reducer('misuse', { what: t.string() }, (ctx, { what }) => {
  if (what === 'random') Math.random();
  else if (what === 'now') Date.now();
  else if (what === 'date') new Date();
  else if (what === 'dateText') Date();
  else if (what === 'timer') setTimeout(() => {}, 1);
  else if (what === 'process') process.env.HOME;
  else if (what === 'performance') performance.now();
  else if (what === 'deterministic') {
    if (new Date(ctx.now).getTime() !== ctx.now || !(ctx.rng() < 1)) throw new ReducerError('BROKEN', 'no');
    return;
  } else throw new ReducerError('UNKNOWN_WHAT', what);
  throw new ReducerError('NOT_CAUGHT', what + ' was allowed');
});
const tock = schema.reducer('tock', {}, (ctx) => add(ctx, 0, STEP), { internal: true });
${
  options.v2
    ? `const levelUp = schema.reducer('levelUp', { id: t.u32(), by: t.u8() }, (ctx, { id, by }) => {
  const row = ctx.db.counter.find(id);
  if (row === undefined) throw new ReducerError('NO_COUNTER', 'no counter ' + id);
  ctx.db.counter.update({ ...row, level: row.level + by });
  ctx.db.badge.insert({ id, name: 'level ' + (row.level + by) });
});`
    : ''
}
export default defineModule(schema, {
  reducers: [bump, spin, misuse, tock${options.v2 ? ', levelUp' : ''}],
  init: (ctx) => void ctx.schedule('tock', {}, { inMs: 100, everyMs: 100 }),${
    options.warm === undefined
      ? ''
      : `
  warm: ${options.warm},`
  }
});
`;
}

/** A temp dir (prefixed for this suite) holding `module.ts` with the given text; returns the file path. */
export function writeModuleFile(
  text: string,
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hot-swap-mod-')),
): string {
  const file = path.join(dir, 'module.ts');
  fs.writeFileSync(file, text);
  return file;
}

// The same declarations as the text, for the client's inferred types (never served).
const shape = createSchema({
  counter: table({ public: true }, { id: t.u32().primaryKey(), value: t.u32() }),
});
const _counterTypes = defineModule(shape, {
  reducers: [
    shape.reducer('bump', { id: t.u32() }, () => {}),
    shape.reducer('spin', { id: t.u32() }, () => {}),
    shape.reducer('misuse', { what: t.string() }, () => {}),
    shape.reducer('tock', {}, () => {}, { internal: true }),
  ] as const,
});
/** The type of the module {@link counterModuleText} writes. */
export type CounterModule = typeof _counterTypes;
