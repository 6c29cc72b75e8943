import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli';
import { createSchema, defineModule, t, table } from '../../src/engine';
import { createTestWorld } from '../../src/testing';
import { tempDir } from './helpers';

const schema = createSchema({
  player: table(
    { public: true },
    { id: t.identity().primaryKey(), name: t.string().unique(), level: t.u8() },
  ),
});
const join = schema.reducer(
  'join',
  { name: t.string() },
  (ctx, { name }) => void ctx.db.player.insert({ id: ctx.sender, name, level: 1 }),
);
const levelUp = schema.reducer('levelUp', {}, (ctx) => {
  const me = ctx.db.player.find(ctx.sender)!;
  ctx.db.player.update({ ...me, level: me.level + 1 });
});
const game = defineModule(schema, { reducers: [join, levelUp] });

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, error: err.join('\n') };
}

/** A data directory written by two players of a test world. */
async function played() {
  const dir = tempDir();
  const world = await createTestWorld(game, { dir });
  const alice = await world.player('alice');
  const bob = await world.player('bob');
  await world.settle(alice.reducers.join({ name: 'Alice' }));
  await world.settle(bob.reducers.join({ name: 'Bob' }));
  await world.settle(alice.reducers.levelUp({}));
  const ids = { alice: alice.identity, bob: bob.identity };
  await world.close();
  return { dir, ids };
}

describe('tickspace history by a unique column', () => {
  it('finds the row by name=Alice and lists the same versions as its key', async () => {
    const { dir, ids } = await played();
    const byName = await cli('-d', dir, 'history', 'player', 'name=Alice');
    expect(byName.status).toBe(0);
    expect(byName.out).toHaveLength(2);
    expect(byName.out[0]).toMatch(
      /^tick 1 @50ms insert .*name: "Alice", level: 1\} by client call \d+ 'join'/,
    );
    expect(byName.out[1]).toMatch(/level: 2\} by client call \d+ 'levelUp' from /);
    expect(byName.out.every((l) => l.endsWith(`from ${ids.alice}`))).toBe(true);
    expect((await cli('-d', dir, 'history', 'player', ids.alice)).out).toEqual(byName.out);
    expect((await cli('-d', dir, 'history', 'player', 'name=Bob')).out[0]).toContain(`from ${ids.bob}`);
  });

  it('refuses a column that is not unique or does not exist, and says when no row holds the value', async () => {
    const { dir } = await played();
    const notUnique = await cli('-d', dir, 'history', 'player', 'level=1');
    expect(notUnique.status).toBe(2);
    expect(notUnique.error).toMatch(
      /column 'level' of 'player' is not unique, so 'level=1' may name many rows/,
    );
    expect((await cli('-d', dir, 'history', 'player', 'nme=Alice')).error).toBe(
      "error [INVALID_ARGUMENT]: table 'player' has no column 'nme' (columns: id, name, level)",
    );
    expect((await cli('-d', dir, 'history', 'player', 'name=Carol')).error).toMatch(
      /^error \[NOT_FOUND\]: no row of 'player' has name = Carol as of tick \d+ \(the newest\)/,
    );
  });
});
