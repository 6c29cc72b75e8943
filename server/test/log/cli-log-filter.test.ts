import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli';
import { createSchema, defineModule, ReducerError, t, table, toIdentity } from '../../src/engine';
import { openDatabase } from '../../src/engine/tooling';
import { tempDir } from './helpers';

const alice = toIdentity('a1'.repeat(16));
const bob = toIdentity('b2'.repeat(16));

// A world like Frontier's log: a step scheduled every tick, and client calls now and then.
const schema = createSchema({
  counter: table({ public: true }, { id: t.u8().primaryKey(), n: t.u32() }),
  note: table({ public: true }, { id: t.u32().primaryKey().autoInc(), text: t.string() }),
});
const step = schema.reducer(
  'step',
  {},
  (ctx) => {
    const c = ctx.db.counter.find(0);
    if (c) ctx.db.counter.update({ ...c, n: c.n + 1 });
    else ctx.db.counter.insert({ id: 0, n: 1 });
  },
  { internal: true },
);
const write = schema.reducer(
  'write',
  { text: t.string() },
  (ctx, { text }) => {
    if (text === '') throw new ReducerError('EMPTY_NOTE', 'a note needs text');
    return ctx.db.note.insert({ id: 0, text }).id;
  },
  { returns: t.u32() },
);
const clear = schema.reducer('clear', {}, () => {});
const notes = defineModule(schema, {
  reducers: [step, write, clear],
  init: (ctx) => void ctx.schedule('step', {}, { inMs: 50, everyMs: 50 }),
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err, error: err.join('\n') };
}

/** 60 ticks: alice writes at ticks 10, 30 and 50 (an empty note at 30), bob clears at 40. */
async function dataDir() {
  const dir = tempDir();
  const db = await openDatabase({ dir, module: notes, durability: 'never' });
  for (let n = 1; n <= 60; n++) {
    if (n === 10) db.engine.enqueue(alice, 'write', { text: 'first' });
    if (n === 30) db.engine.enqueue(alice, 'write', { text: '' });
    if (n === 40) db.engine.enqueue(bob, 'clear', {});
    if (n === 50) db.engine.enqueue(alice, 'write', { text: 'third' });
    db.engine.runTick();
  }
  await db.engine.flush();
  await db.close();
  return dir;
}

const ticksOf = (lines: string[]) =>
  lines.filter((l) => l.startsWith('tick ')).map((l) => Number(/^tick (\d+)/.exec(l)![1]));

describe('tickspace log filters', () => {
  it('--client-calls hides the ticks of scheduled calls alone; the default lists the last 20 of those', async () => {
    const dir = await dataDir();
    const all = await cli('-d', dir, 'log');
    expect(ticksOf(all.out)).toEqual(Array.from({ length: 20 }, (_, i) => 41 + i));
    const r = await cli('-d', dir, 'log', '--client-calls');
    expect(r.status).toBe(0);
    expect(ticksOf(r.out)).toEqual([10, 30, 40, 50]);
    expect(r.out.filter((l) => l.includes(' step'))).toEqual([]);
  });

  it('filters by reducer, sender and outcome, listing only the calls that pass', async () => {
    const dir = await dataDir();
    expect(ticksOf((await cli('-d', dir, 'log', '--reducer', 'write')).out)).toEqual([10, 30, 50]);
    expect(ticksOf((await cli('-d', dir, 'log', '--reducer', 'write,clear', '--from', '35')).out)).toEqual([
      40, 50,
    ]);
    expect(ticksOf((await cli('-d', dir, 'log', '--sender', 'b2b2')).out)).toEqual([40]);
    const failed = await cli('-d', dir, 'log', '--outcome', 'error');
    expect(ticksOf(failed.out)).toEqual([30]);
    expect(failed.out[1]).toBe(
      `  [0] client   write {text: ""} from a1a1a1a1… -> EMPTY_NOTE: a note needs text`,
    );
    expect(ticksOf((await cli('-d', dir, 'log', '--outcome', 'EMPTY_NOTE')).out)).toEqual([30]);
    // A reducer that declares `returns` shows the value it returned, as logged.
    const third = await cli('-d', dir, 'log', '--reducer', 'write', '--from', '50', '--to', '50');
    expect(third.out[1]).toBe(`  [0] client   write {text: "third"} from a1a1a1a1… -> ok, returned 2`);
    const ok = await cli('-d', dir, 'log', '--outcome', 'ok', '--sender', 'a1', '--json');
    expect(ok.out.map((l) => JSON.parse(l).tick)).toEqual([10, 50]);
    expect(JSON.parse(ok.out[0]!).calls.map((c: { reducer: string }) => c.reducer)).toEqual(['write']);
    expect((await cli('-d', dir, 'log', '--sender', 'ffff')).out).toEqual([
      'no calls in 1..60 pass the filter',
    ]);
    // A prefix, as log prints identities: the middle of bob's identity names no one.
    expect((await cli('-d', dir, 'log', '--sender', '2b2b')).out).toEqual([
      'no calls in 1..60 pass the filter',
    ]);
  });

  it('refuses a misspelt reducer, a sender that is not hex, an outcome that is not one, and --from after --to', async () => {
    const dir = await dataDir();
    const typo = await cli('-d', dir, 'log', '--reducer', 'wirte');
    expect(typo.status).toBe(2);
    expect(typo.error).toBe(
      "error [INVALID_ARGUMENT]: --reducer: no reducer named 'wirte' in this data directory's module (reducers: step, write, clear)",
    );
    expect((await cli('-d', dir, 'log', '--sender', 'alice')).error).toMatch(
      /--sender takes an identity .* got 'alice'/,
    );
    expect((await cli('-d', dir, 'log', '--outcome', 'failed')).error).toMatch(
      /--outcome takes 'ok', 'error' or an error code/,
    );
    const backwards = await cli('-d', dir, 'log', '--from', '50', '--to', '10');
    expect(backwards.status).toBe(2);
    expect(backwards.error).toBe(
      'error [INVALID_ARGUMENT]: --from 50 is after --to 10: the range is first..last (e.g. --from 10 --to 50)',
    );
    expect((await cli('-d', dir, 'log', '--from', '10', '--to', '10')).status).toBe(0);
  });
});
