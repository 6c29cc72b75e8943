import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_ORIGIN, createEngine, createSchema, defineModule, t, table } from '../../src/engine';
import { alice, bank, bob } from './fixtures';

/** A module whose one reducer applies a scripted list of writes, optionally failing at the end. */
const schema = createSchema({
  item: table(
    {
      spatial: { x: 'x', y: 'y', cellSize: 7 },
      indexes: [{ name: 'kind_weight', columns: ['kind', 'weight'], kind: 'btree' }],
    },
    {
      id: t.u16().primaryKey(),
      kind: t.u8().index('hash'),
      weight: t.i32().index('btree'),
      x: t.f64(),
      y: t.f64(),
    },
  ),
});

type Op = { type: 'put'; id: number; kind: number; weight: number; x: number; y: number } | { type: 'del'; id: number };

const apply = schema.reducer('apply', { script: t.string(), fail: t.bool() }, (ctx, { script, fail }) => {
  for (const op of JSON.parse(script) as Op[]) {
    if (op.type === 'del') ctx.db.item.delete(op.id);
    else if (ctx.db.item.has(op.id)) ctx.db.item.update(op);
    else ctx.db.item.insert(op);
  }
  if (fail) throw new Error('scripted failure');
});
const module = defineModule(schema, { reducers: [apply] });

// Coordinates over a non-square extent (wide and short) that crosses zero.
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    type: fc.constant('put' as const),
    id: fc.integer({ min: 0, max: 40 }),
    kind: fc.integer({ min: 0, max: 4 }),
    weight: fc.integer({ min: -5, max: 5 }),
    x: fc.double({ min: -130, max: 90, noNaN: true }),
    y: fc.double({ min: -12, max: 20, noNaN: true }),
  }),
  fc.record({ type: fc.constant('del' as const), id: fc.integer({ min: 0, max: 40 }) }),
);
const batchArb = fc.record({ ops: fc.array(opArb, { maxLength: 25 }), fail: fc.boolean() });
const quiet = { error: () => {}, warn: () => {} };

function run(batches: { ops: Op[]; fail: boolean }[]) {
  const engine = createEngine({ module, logger: quiet });
  const hashes: string[] = [];
  for (const b of batches) {
    engine.enqueue(alice, 'apply', { script: JSON.stringify(b.ops), fail: b.fail });
    engine.runTick();
    hashes.push(engine.stateHash);
  }
  return { engine, hashes };
}

describe('engine properties', () => {
  it('a call that throws leaves the state hash and every row unchanged', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { maxLength: 6 }), fc.array(opArb, { minLength: 1, maxLength: 30 }), (batches, doomed) => {
        const { engine } = run(batches);
        const hash = engine.stateHash;
        const rows = engine.db.item.iter();
        engine.enqueue(bob, 'apply', { script: JSON.stringify(doomed), fail: true });
        const record = engine.runTick();
        expect(record.changes).toHaveLength(0);
        expect(engine.stateHash).toBe(hash);
        expect(engine.db.item.iter()).toEqual(rows);
      }),
      { numRuns: 150 },
    );
  });

  it('hash, btree and spatial indexes agree with a brute-force scan', () => {
    fc.assert(
      fc.property(
        fc.array(batchArb, { maxLength: 8 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: -6, max: 6 }),
        fc.integer({ min: -6, max: 6 }),
        fc.tuple(fc.double({ min: -140, max: 100, noNaN: true }), fc.double({ min: -20, max: 25, noNaN: true })),
        fc.tuple(fc.double({ min: 0, max: 120, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true })),
        fc.double({ min: 0, max: 60, noNaN: true }),
        (batches, kind, lo, hi, [x0, y0], [w, h], radius) => {
          const { engine } = run(batches);
          const all = engine.db.item.iter();
          const byId = (rows: readonly { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);
          const table = engine.db.item;
          expect(byId(table.filter('kind', kind))).toEqual(byId(all.filter((r) => r.kind === kind)));
          const range = table.range('weight', { gte: lo, lte: hi });
          expect(byId(range)).toEqual(byId(all.filter((r) => r.weight >= lo && r.weight <= hi)));
          // Range results come out in (weight, id) order.
          const sorted = [...range].sort((a, b) => a.weight - b.weight || a.id - b.id);
          expect(range).toEqual(sorted);
          expect(byId(table.filter('kind_weight', [kind]))).toEqual(byId(all.filter((r) => r.kind === kind)));
          expect(byId(table.filter('kind_weight', [kind, lo]))).toEqual(byId(all.filter((r) => r.kind === kind && r.weight === lo)));
          const rect = table.withinRect(x0, y0, x0 + w, y0 + h);
          expect(byId(rect)).toEqual(byId(all.filter((r) => r.x >= x0 && r.x <= x0 + w && r.y >= y0 && r.y <= y0 + h)));
          const circle = table.withinRadius(x0, y0, radius);
          expect(byId(circle)).toEqual(byId(all.filter((r) => (r.x - x0) ** 2 + (r.y - y0) ** 2 <= radius * radius)));
          expect(table.count()).toBe(all.length);
          for (const r of all) expect(table.find(r.id)).toEqual(r);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the same seed and calls give the same hashes; the hash depends only on content', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { maxLength: 8 }), (batches) => {
        const a = run(batches);
        const b = run(batches);
        expect(a.hashes).toEqual(b.hashes);
        // Rebuild the final content in a fresh engine from rows in reverse order: same hash.
        const fresh = createEngine({ module, logger: quiet });
        fresh.restore({
          tick: a.engine.tick,
          tables: Object.fromEntries(a.engine.tableList.map((s) => [s.name, { rows: s.iter().reverse(), autoInc: s.autoInc }])),
        });
        expect(fresh.stateHash).toBe(a.engine.stateHash);
      }),
      { numRuns: 100 },
    );
  });

  it('scheduled reducers fire exactly when due', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 100 }),
        fc.array(fc.record({ inMs: fc.integer({ min: 0, max: 500 }), everyMs: fc.oneof(fc.constant(0), fc.integer({ min: 100, max: 400 })) }), {
          minLength: 1,
          maxLength: 5,
        }),
        (tickMs, schedules) => {
          const engine = createEngine({ module: bank, tickMs });
          for (const s of schedules) engine.enqueue(alice, 'later', s);
          const horizon = 40;
          const fired: number[] = [];
          for (let i = 0; i < horizon; i++) {
            const record = engine.runTick();
            for (const c of record.calls) if (c.origin === CALL_ORIGIN.SCHEDULE) fired.push(record.tick);
          }
          // Expected: scheduled in tick 1 (now = tickMs); each firing at the first tick >= 2 whose time reaches atMs.
          const expected: number[] = [];
          for (const s of schedules) {
            let atMs = tickMs + s.inMs;
            let due = Math.max(Math.ceil(atMs / tickMs), 2);
            while (due <= horizon) {
              expected.push(due);
              if (s.everyMs === 0) break;
              atMs += s.everyMs;
              due = Math.max(Math.ceil(atMs / tickMs), due + 1);
            }
          }
          expect(fired).toEqual(expected.sort((a, b) => a - b));
        },
      ),
      { numRuns: 100 },
    );
  });
});
