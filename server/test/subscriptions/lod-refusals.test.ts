import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine';
import { createSubscriptions } from '../../src/engine/tooling';
import { TickspaceError, type Query } from '../../src/protocol';
import { viewers, world } from './world-fixture';

function setup(maxLodEvery?: number) {
  const engine = createEngine({ module: world });
  const subs = createSubscriptions(engine, { maxLodEvery });
  engine.enqueue(viewers[0]!, 'spawn', { id: 1, team: 0, x: 5, y: 5 });
  engine.runTick();
  const sent: Uint8Array[] = [];
  const handle = subs.addClient(viewers[0]!, { bufferedAmount: 0, send: (f) => sent.push(f) });
  return { engine, subs, handle, sent };
}

const near = (lod: unknown): Query =>
  ({ table: 'entity', near: { x: 0, y: 0, radius: 20 }, lod }) as unknown as Query;

/** The error a subscribe throws, checked to be an INVALID_QUERY naming the query. */
function refusal(run: () => void): TickspaceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TickspaceError);
    expect((error as TickspaceError).code).toBe('INVALID_QUERY');
    return error as TickspaceError;
  }
  throw new Error('the subscription was accepted');
}

describe('a level of detail the subscriptions refuse (INVALID_QUERY, nothing subscribed)', () => {
  it.each([
    ['a negative radius', { radius: -1, every: 4 }, /lod.radius must be a finite number >= 0 \(got -1\)/],
    ['a NaN radius', { radius: NaN, every: 4 }, /lod.radius must be a finite number >= 0 \(got NaN\)/],
    ['an infinite radius', { radius: Infinity, every: 4 }, /lod.radius must be a finite/],
    ['an interval of 1', { radius: 5, every: 1 }, /lod.every must be an integer >= 2 \(got 1\)/],
    ['a fractional interval', { radius: 5, every: 2.5 }, /lod.every must be an integer >= 2 \(got 2.5\)/],
    ['no object', 7, /lod must be an object \{ radius, every \}/],
    ['null', null, /lod must be an object \{ radius, every \}/],
  ])('%s', (_what, lod, message) => {
    const { subs, handle, sent } = setup();
    const e = refusal(() => subs.subscribe(handle, 1, near(lod)));
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/^query entity near \(0, 0\) r=20/);
    expect(sent).toEqual([]);
    expect(subs.stats().queries).toBe(0);
  });

  it('refuses an interval over maxLodEvery (default 20; the option raises it)', () => {
    const { subs, handle } = setup();
    subs.subscribe(handle, 1, near({ radius: 5, every: 20 }));
    const e = refusal(() =>
      subs.subscribe(handle, 2, {
        table: 'marker',
        near: { x: 0, y: 0, radius: 9 },
        lod: { radius: 5, every: 21 },
      }),
    );
    expect(e.message).toMatch(/lod.every is 21, more than maxLodEvery \(20\)/);
    expect(e.details).toMatchObject({ maxLodEvery: 20 });
    const raised = setup(50);
    raised.subs.subscribe(raised.handle, 1, near({ radius: 5, every: 50 }));
    expect(
      refusal(() =>
        raised.subs.subscribe(raised.handle, 2, {
          table: 'marker',
          near: { x: 0, y: 0, radius: 9 },
          lod: { radius: 5, every: 51 },
        }),
      ).message,
    ).toMatch(/more than maxLodEvery \(50\)/);
  });

  it.each([
    ['a whole table', { table: 'entity' }],
    ['an index value', { table: 'entity', where: { index: 'team', value: 0 } }],
    ['a rectangle', { table: 'entity', rect: { minX: 0, minY: 0, maxX: 9, maxY: 9 } }],
    ['a range', { table: 'entity', range: { index: 'hp', gte: 1 } }],
  ])('refuses a level of detail on %s', (_what, q) => {
    const { subs, handle } = setup();
    const e = refusal(() => subs.subscribe(handle, 1, { ...q, lod: { radius: 5, every: 4 } } as Query));
    expect(e.message).toMatch(/a level of detail \(lod\) needs a circle query \(near or follow\)/);
  });

  it('keeps a level-of-detail query alone on its table, whichever comes first', () => {
    const a = setup();
    a.subs.subscribe(a.handle, 1, { table: 'entity' });
    expect(refusal(() => a.subs.subscribe(a.handle, 2, near({ radius: 5, every: 4 }))).message).toMatch(
      /already watches table 'entity' with another query; a query with a level of detail must be the only one on its table/,
    );
    const b = setup();
    b.subs.subscribe(b.handle, 1, near({ radius: 5, every: 4 }));
    expect(refusal(() => b.subs.subscribe(b.handle, 2, { table: 'entity' })).message).toMatch(
      /already watches table 'entity' with a level-of-detail query/,
    );
    // Nothing changed: the first query still delivers, and another table is free.
    expect(b.subs.stats().queries).toBe(1);
    b.subs.subscribe(b.handle, 3, {
      table: 'marker',
      near: { x: 0, y: 0, radius: 9 },
      lod: { radius: 5, every: 4 },
    });
    expect(b.subs.stats().queries).toBe(2);
  });
});
