import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type ModuleDef } from '../../src/engine';
import {
  diffSchemas,
  moduleFromDescription,
  planMigration,
  prepareMigration,
  captureSnapshot,
  type ColumnDescription,
  type SchemaDescription,
  type TableDescription,
} from '../../src/engine/tooling';

type Kind = 'u8' | 'u16' | 'u32' | 'i32' | 'f64' | 'string';
const KINDS: Kind[] = ['u8', 'u16', 'u32', 'i32', 'f64', 'string'];

/** A value of `kind` derived from a row index (distinct per index, so unique columns never collide). */
function valueOf(kind: string, i: number): unknown {
  return kind === 'string' ? `v${i}` : kind === 'f64' ? i + 0.5 : i + 1;
}

const MUTATIONS = [
  'addDefault',
  'addOptional',
  'addNoDefault',
  'addInMiddle',
  'removeColumn',
  'changeType',
  'swapColumns',
  'addUnique',
  'removeUnique',
  'addIndex',
  'makePublic',
  'makePrivate',
  'changeKey',
  'changeDefault',
  'removeTable',
] as const;
type Mutation = (typeof MUTATIONS)[number];

/** What each mutation must show up as: the exact changes of that table and whether they are additive. */
const EXPECTED: Record<Mutation | 'addTable', [string, boolean][]> = {
  addDefault: [['column-added', true]],
  addOptional: [['column-added', true]],
  addNoDefault: [['column-added', false]],
  addInMiddle: [['column-added', false]],
  removeColumn: [['column-removed', false]],
  changeType: [['column-type-changed', false]],
  swapColumns: [['column-moved', false]],
  addUnique: [['unique-added', false]],
  removeUnique: [['unique-removed', true]],
  addIndex: [['index-added', true]],
  makePublic: [['made-public', true]],
  makePrivate: [['made-private', false]],
  changeKey: [['primary-key-changed', false]],
  changeDefault: [['default-changed', true]],
  removeTable: [['table-removed', false]],
  addTable: [['table-added', true]],
};

const baseTable = (name: string) =>
  fc
    .record({
      kinds: fc.array(fc.constantFrom(...KINDS), { minLength: 2, maxLength: 4 }),
      isPublic: fc.boolean(),
      unique: fc.boolean(),
      withDefault: fc.boolean(),
    })
    .map(({ kinds, isPublic, unique, withDefault }): TableDescription => ({
      name,
      public: isPublic,
      columns: [
        { name: 'id', kind: 'u32', primaryKey: true },
        ...kinds.map((kind, i): ColumnDescription => ({
          name: `c${i}`,
          kind,
          ...(i === 0 && unique ? { unique: true } : {}),
          ...(i === kinds.length - 1 && withDefault ? { default: { json: valueOf(kind, 0) } } : {}),
        })),
      ],
    }));

/** Applies a mutation if it applies to this table; returns undefined when it does not. */
function mutate(t: TableDescription, m: Mutation): TableDescription | null | undefined {
  const cols = [...t.columns];
  const last = cols[cols.length - 1]!;
  switch (m) {
    case 'addDefault':
      return { ...t, columns: [...cols, { name: 'extra', kind: 'u16', default: { json: 7 } }] };
    case 'addOptional':
      return {
        ...t,
        columns: [...cols, { name: 'extra', kind: 'optional', inner: { name: 'extra', kind: 'string' } }],
      };
    case 'addNoDefault':
      return { ...t, columns: [...cols, { name: 'extra', kind: 'u16' }] };
    case 'addInMiddle':
      return {
        ...t,
        columns: [cols[0]!, { name: 'extra', kind: 'u16', default: { json: 1 } }, ...cols.slice(1)],
      };
    case 'removeColumn':
      return cols.length > 2 && last.unique !== true ? { ...t, columns: cols.slice(0, -1) } : undefined;
    case 'changeType': {
      if (last.unique === true || last.default !== undefined) return undefined;
      const kind = last.kind === 'string' ? 'u32' : 'string';
      return { ...t, columns: [...cols.slice(0, -1), { ...last, kind }] };
    }
    case 'swapColumns':
      return cols.length > 2
        ? { ...t, columns: [cols[0]!, cols[2]!, cols[1]!, ...cols.slice(3)] }
        : undefined;
    case 'addUnique':
      return cols[1]!.unique === true
        ? undefined
        : { ...t, columns: [cols[0]!, { ...cols[1]!, unique: true }, ...cols.slice(2)] };
    case 'removeUnique':
      return cols[1]!.unique !== true
        ? undefined
        : { ...t, columns: [cols[0]!, { name: cols[1]!.name, kind: cols[1]!.kind }, ...cols.slice(2)] };
    case 'addIndex':
      return { ...t, indexes: [{ name: 'byC1', columns: [cols[1]!.name], kind: 'btree' }] };
    case 'makePublic':
      return t.public ? undefined : { ...t, public: true };
    case 'makePrivate':
      return t.public ? { ...t, public: false } : undefined;
    case 'changeKey':
      return cols[1]!.unique === true
        ? undefined
        : {
            ...t,
            columns: [{ name: 'id', kind: 'u32' }, { ...cols[1]!, primaryKey: true }, ...cols.slice(2)],
          };
    case 'changeDefault':
      return last.default === undefined
        ? undefined
        : { ...t, columns: [...cols.slice(0, -1), { ...last, default: { json: valueOf(last.kind, 9) } }] };
    case 'removeTable':
      return null;
  }
}

const pair = fc
  .record({
    tables: fc.array(fc.constantFrom(...MUTATIONS), { minLength: 1, maxLength: 4 }),
    addTable: fc.boolean(),
    seeds: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    rows: fc.integer({ min: 0, max: 5 }),
  })
  .chain(({ tables, addTable, rows }) =>
    fc.tuple(...tables.map((_, i) => baseTable(`t${i}`))).map((bases) => {
      const after: TableDescription[] = [];
      const applied: { table: string; mutation: Mutation | 'addTable' | 'none' }[] = [];
      bases.forEach((b, i) => {
        const next = mutate(b, tables[i]!);
        if (next === null) applied.push({ table: b.name, mutation: tables[i]! });
        else if (next === undefined) {
          after.push(b);
          applied.push({ table: b.name, mutation: 'none' });
        } else {
          after.push(next);
          applied.push({ table: b.name, mutation: tables[i]! });
        }
      });
      if (addTable) {
        after.push({ name: 'fresh', public: true, columns: [{ name: 'id', kind: 'u32', primaryKey: true }] });
        applied.push({ table: 'fresh', mutation: 'addTable' });
      }
      const before: SchemaDescription = { tables: bases, reducers: [] };
      return { before, after: { tables: after, reducers: [] } as SchemaDescription, applied, rows };
    }),
  );

function engineOf(module: ModuleDef): Engine<ModuleDef> {
  return createEngine({ module }) as unknown as Engine<ModuleDef>;
}

describe('schema diff', () => {
  it('classifies every kind of change, and additive plans migrate random rows by themselves', () => {
    const seen = new Map<string, number>();
    let migratedRows = 0;
    let refused = 0;
    fc.assert(
      fc.property(pair, ({ before, after, applied, rows }) => {
        expect(diffSchemas(before, before)).toEqual([]);
        const diffs = diffSchemas(before, after, 2);
        for (const { table, mutation } of applied) {
          const mine = diffs.filter((d) => d.table === table).map((d) => [d.change, d.additive]);
          expect(mine).toEqual(mutation === 'none' ? [] : EXPECTED[mutation]);
          seen.set(mutation, (seen.get(mutation) ?? 0) + 1);
        }
        for (const d of diffs) expect(d.howToFix.length).toBeGreaterThan(0);
        // The plan agrees with the classification: no migration function is needed iff every difference is additive.
        const module = moduleFromDescription(after);
        const plan = planMigration({ version: 1, schema: before }, module);
        const additive = diffs.every((d) => d.additive);
        expect(plan.ok).toBe(additive);
        if (!plan.ok) {
          refused++;
          expect(plan.error.code).toBe('SCHEMA_MISMATCH');
          for (const d of diffs.filter((x) => !x.additive)) expect(plan.error.message).toContain(d.what);
          return;
        }
        if (plan.plan === undefined) return;
        // An additive plan converts stored rows without help: kept values stay, new columns take their default.
        const old = engineOf(moduleFromDescription(before));
        for (const t of before.tables)
          for (let i = 0; i < rows; i++) {
            const row: Record<string, unknown> = {};
            for (const c of t.columns) row[c.name] = valueOf(c.kind, i);
            old.tables[t.name]!.rawInsert(row);
          }
        const prepared = prepareMigration(plan.plan, 5, captureSnapshot(old).tables, () => engineOf(module));
        for (const [name, list] of prepared.rows) {
          const t = after.tables.find((x) => x.name === name)!;
          expect(list).toHaveLength(rows);
          list.forEach((row, i) => {
            for (const c of t.columns) {
              const expected = before.tables
                .find((x) => x.name === name)!
                .columns.some((o) => o.name === c.name)
                ? valueOf(c.kind, i)
                : c.default !== undefined
                  ? c.default.json
                  : undefined;
              expect(row[c.name]).toEqual(expected);
            }
            migratedRows++;
          });
        }
      }),
      { numRuns: 300, seed: 20261202 },
    );
    for (const m of [...MUTATIONS, 'addTable']) expect(seen.get(m) ?? 0, m).toBeGreaterThan(3);
    expect(migratedRows).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });

  it('new and changed reducers are additive, reducers only the stored schema knows are no difference', () => {
    const args = (kind: 'u32' | 'string') => [{ name: 'a', kind }] as const;
    const before: SchemaDescription = {
      tables: [],
      reducers: [
        { name: 'kept', args: args('u32'), internal: false },
        { name: 'changed', args: args('u32'), internal: false },
        { name: 'gone', args: args('u32'), internal: false },
      ],
    };
    const after: SchemaDescription = {
      tables: [],
      reducers: [
        { name: 'kept', args: args('u32'), internal: false },
        { name: 'changed', args: args('string'), internal: false },
        { name: 'new', args: [], internal: false },
      ],
    };
    expect(diffSchemas(before, after).map((d) => [d.reducer, d.change, d.additive])).toEqual([
      ['changed', 'reducer-args-changed', true],
      ['new', 'reducer-added', true],
    ]);
  });

  it('a new unique constraint rewrites the table, so a declared migration still refuses duplicates', () => {
    const before: SchemaDescription = {
      tables: [
        {
          name: 'p',
          public: true,
          columns: [
            { name: 'id', kind: 'u32', primaryKey: true },
            { name: 'tag', kind: 'string' },
          ],
        },
      ],
      reducers: [],
    };
    const after: SchemaDescription = {
      tables: [
        {
          name: 'p',
          public: true,
          columns: [
            { name: 'id', kind: 'u32', primaryKey: true },
            { name: 'tag', kind: 'string', unique: true },
          ],
        },
      ],
      reducers: [],
    };
    const module = { ...moduleFromDescription(after), migrations: { 2: () => {} } };
    const plan = planMigration({ version: 1, schema: before }, module);
    expect(plan.ok).toBe(true);
    if (!plan.ok || plan.plan === undefined) throw new Error('expected a plan');
    expect(plan.plan.reshaped).toEqual(['p']);
    const old = engineOf(moduleFromDescription(before));
    old.tables.p!.rawInsert({ id: 1, tag: 'same' });
    old.tables.p!.rawInsert({ id: 2, tag: 'same' });
    expect(() =>
      prepareMigration(plan.plan!, 3, captureSnapshot(old).tables, () => engineOf(module)),
    ).toThrow(/the migration to schema version 2 produced a row that does not fit table 'p' \(key 2\)/);
  });

  it('a retyped column keeps stored values that fit the new type; others are left for the conversion', () => {
    const table = (hp: 'u16' | 'u32' | 'string'): SchemaDescription => ({
      tables: [
        {
          name: 'p',
          public: true,
          columns: [
            { name: 'id', kind: 'u32', primaryKey: true },
            { name: 'hp', kind: hp },
          ],
        },
      ],
      reducers: [],
    });
    const identity = {
      2: (m: { table: (n: string, f: (o: unknown, r: unknown) => unknown) => void }) =>
        m.table('p', (_o, r) => r),
    };
    const run = (from: 'u16' | 'string', value: unknown) => {
      const module = { ...moduleFromDescription(table('u32')), migrations: identity };
      const plan = planMigration({ version: 1, schema: table(from) }, module as unknown as ModuleDef);
      if (!plan.ok || plan.plan === undefined) throw new Error('expected a plan');
      const old = engineOf(moduleFromDescription(table(from)));
      old.tables.p!.rawInsert({ id: 1, hp: value });
      return prepareMigration(plan.plan, 1, captureSnapshot(old).tables, () =>
        engineOf(module as unknown as ModuleDef),
      );
    };
    expect(run('u16', 700).rows.get('p')).toEqual([{ id: 1, hp: 700 }]);
    expect(() => run('string', 'full')).toThrow(
      /table 'p' \(key 1\): .*column 'hp': expected u32.*got undefined/,
    );
  });
});
