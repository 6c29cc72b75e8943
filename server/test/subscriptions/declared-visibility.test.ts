import { describe, expect, it } from 'vitest';
import {
  createEngine,
  createSchema,
  defineModule,
  rowVisibleTo,
  t,
  table,
  toIdentity,
} from '../../src/engine';
import { createSubscriptions } from '../../src/engine/tooling';
import { createFrameCache } from '../kit/frame-cache';

const ann = toIdentity('0'.repeat(31) + 'a');
const bob = toIdentity('0'.repeat(31) + 'b');
const cyd = toIdentity('0'.repeat(31) + 'c');

/** Stacks belong to `owner` (and a trade names `a` and `b`); a shared stack is everyone's. */
const schema = createSchema({
  stack: table(
    { public: true, visibility: { to: ['owner'], everyoneWhen: 'shared' } },
    { id: t.u32().primaryKey(), owner: t.identity(), shared: t.bool(), qty: t.u16() },
  ),
  deal: table(
    {
      public: true,
      // Indexed both ways: a subscribe finds a viewer's deals through the indexes.
      indexes: [
        { name: 'by_a', columns: ['a'], kind: 'hash' },
        { name: 'by_b', columns: ['b'], kind: 'hash' },
      ],
      visibility: { to: ['a', 'b'] },
    },
    { id: t.u32().primaryKey(), a: t.identity(), b: t.identity(), qty: t.u16() },
  ),
});
const put = schema.reducer(
  'put',
  { id: t.u32(), owner: t.identity(), shared: t.bool(), qty: t.u16() },
  (ctx, row) => {
    if (ctx.db.stack.has(row.id)) ctx.db.stack.update(row);
    else ctx.db.stack.insert(row);
  },
);
const deal = schema.reducer(
  'deal',
  { id: t.u32(), a: t.identity(), b: t.identity(), qty: t.u16() },
  (ctx, row) => {
    if (ctx.db.deal.has(row.id)) ctx.db.deal.update(row);
    else ctx.db.deal.insert(row);
  },
);
const drop = schema.reducer('drop', { id: t.u32() }, (ctx, { id }) => void ctx.db.stack.delete(id));
const module = defineModule(schema, { reducers: [put, deal, drop] });

function setup() {
  const engine = createEngine({ module, tickMs: 50 });
  const subs = createSubscriptions(engine);
  const client = (who: typeof ann) => {
    const cache = createFrameCache(subs.schema.wire);
    const handle = subs.addClient(who, { bufferedAmount: 0, send: (f) => void cache.apply(f) });
    subs.subscribe(handle, 1, { table: 'stack' });
    subs.subscribe(handle, 2, { table: 'deal' });
    return cache;
  };
  const call = (reducer: string, args: Record<string, unknown>) => {
    engine.enqueue(ann, reducer, args);
    engine.runTick();
  };
  return { client, call, engine };
}

const stacks = (cache: ReturnType<typeof createFrameCache>) =>
  cache.rows('stack').map((r) => `${r.id}:${r.qty}`);

describe('declared visibility ({ to, everyoneWhen })', () => {
  it('routes a stack to its owner only, to everyone while shared, and moves it with its owner', () => {
    const w = setup();
    const a = w.client(ann);
    const b = w.client(bob);
    w.call('put', { id: 1, owner: ann, shared: false, qty: 1 });
    expect([stacks(a), stacks(b)]).toEqual([['1:1'], []]);
    w.call('put', { id: 1, owner: ann, shared: true, qty: 2 });
    expect([stacks(a), stacks(b)]).toEqual([['1:2'], ['1:2']]);
    w.call('put', { id: 1, owner: ann, shared: true, qty: 3 });
    expect([stacks(a), stacks(b)]).toEqual([['1:3'], ['1:3']]);
    w.call('put', { id: 1, owner: ann, shared: false, qty: 3 });
    expect([stacks(a), stacks(b)]).toEqual([['1:3'], []]);
    // Given to Bob: Ann's cache loses it in the same tick Bob's gains it.
    w.call('put', { id: 1, owner: bob, shared: false, qty: 4 });
    expect([stacks(a), stacks(b)]).toEqual([[], ['1:4']]);
    w.call('drop', { id: 1 });
    expect([stacks(a), stacks(b)]).toEqual([[], []]);
  });

  it('shows a row naming two viewers to both, and a late subscriber gets what it may see', () => {
    const w = setup();
    const a = w.client(ann);
    const b = w.client(bob);
    const c = w.client(cyd);
    w.call('deal', { id: 7, a: ann, b: bob, qty: 1 });
    expect([a, b, c].map((x) => x.rows('deal').length)).toEqual([1, 1, 0]);
    w.call('deal', { id: 7, a: ann, b: cyd, qty: 2 });
    expect([a, b, c].map((x) => x.rows('deal').length)).toEqual([1, 0, 1]);
    w.call('put', { id: 2, owner: cyd, shared: false, qty: 1 });
    w.call('put', { id: 3, owner: bob, shared: true, qty: 1 });
    w.call('deal', { id: 8, a: cyd, b: cyd, qty: 1 });
    w.call('deal', { id: 9, a: bob, b: ann, qty: 1 });
    const late = w.client(cyd);
    expect(stacks(late).sort()).toEqual(['2:1', '3:1']);
    expect(late.rows('deal').map((r) => r.id)).toEqual([7, 8]);
    const lateAnn = w.client(ann);
    expect(lateAnn.rows('deal').map((r) => r.id)).toEqual([7, 9]);
  });

  it('is read the same way by rowVisibleTo', () => {
    const vis = schema.tables.stack.options.visibility;
    const row = { id: 1, owner: ann, shared: false, qty: 1 };
    expect([rowVisibleTo(vis, row, ann), rowVisibleTo(vis, row, bob)]).toEqual([true, false]);
    expect(rowVisibleTo(vis, { ...row, shared: true }, bob)).toBe(true);
    expect(rowVisibleTo(schema.tables.deal.options.visibility, { a: ann, b: bob }, bob)).toBe(true);
  });

  it('refuses a declaration naming a column that is missing, not an identity, or not a bool', () => {
    const bad = (visibility: unknown) => () =>
      createEngine({
        module: defineModule(
          createSchema({
            x: table(
              { public: true, visibility: visibility as never },
              { id: t.u32().primaryKey(), owner: t.identity(), n: t.u32(), on: t.bool() },
            ),
          }),
          { reducers: [] },
        ),
      });
    expect(bad({ to: ['nobody'] })).toThrow(/table 'x': visibility.to names unknown column 'nobody'/);
    expect(bad({ to: ['n'] })).toThrow(/visibility.to column 'n' must be an identity, not u32/);
    expect(bad({ to: ['owner'], everyoneWhen: 'n' })).toThrow(
      /visibility.everyoneWhen column 'n' must be a bool, not u32/,
    );
    expect(bad({ to: [] })).toThrow(/visibility is a function \(row, viewer\) => boolean or \{ to:/);
    expect(bad({ to: ['owner'], everyoneWhen: 'on' })).not.toThrow();
  });
});
