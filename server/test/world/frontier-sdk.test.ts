// Frontier played through the SDK with the public test harness: the same typed calls and client
// caches as the browser, in logical time (the world tests beside this one drive the engine).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TickspaceError } from '../../src/protocol/errors';
import { createTestWorld, type TestWorld } from '../../src/testing';
import { createFrontier, type Frontier } from '../../src/world';
import { SMALL } from './helpers';

type FrontierModule = Frontier['module'];

let frontier: Frontier;
beforeAll(async () => {
  frontier = await createFrontier(SMALL);
});

/** A world with Alice and Bob joined and subscribed to their own rows and to global chat. */
async function twoPlayers(world: TestWorld<FrontierModule>) {
  const alice = await world.player('alice');
  const bob = await world.player('bob');
  for (const [p, name] of [
    [alice, 'Alice'],
    [bob, 'Bob'],
  ] as const) {
    await world.settle(p.reducers.join({ name }));
    await world.settle(
      p.subscribe({ table: 'chat_message', where: { index: 'by_channel', value: 'global' } }).applied,
    );
    await world.settle(p.subscribe({ table: 'player' }).applied);
  }
  return { alice, bob };
}

describe('Frontier through the SDK (createTestWorld)', () => {
  let world: TestWorld<FrontierModule>;
  beforeAll(async () => {
    world = await createTestWorld(frontier.module, { seed: 'frontier-sdk' });
  });
  afterAll(async () => {
    await world.close();
  });

  it("each player's cache holds both players and the other's global message, as the server does", async () => {
    const { alice, bob } = await twoPlayers(world);
    expect(alice.db.player.count()).toBe(2);
    expect(bob.db.player.find(alice.identity)).toEqual(world.db.player.find(alice.identity));
    await world.settle(alice.reducers.say({ channel: 'global', text: '  hello\u0007 Bob  ' }));
    await world.tick(); // the fan-out of the tick that stored it
    const heard = bob.db.chat_message.filter('by_channel', 'global');
    expect(heard.map((m) => [m.senderName, m.text])).toEqual([['Alice', 'hello  Bob']]);
    expect(heard).toEqual(world.db.chat_message.filter('by_channel', 'global'));
    expect(alice.db.chat_message.count()).toBe(1);
  });

  it("a refused call rejects the caller's promise with the module's code and words, and changes nothing", async () => {
    const bob = [...world.db.player.iter()].find((p) => p.name === 'Bob')!;
    const carol = await world.player('carol');
    const refused = await world.settle(carol.reducers.say({ channel: 'shout', text: 'hi' })).catch((e) => e);
    expect(refused).toBeInstanceOf(TickspaceError);
    // Carol has not joined: the first rule a call meets is the player's existence.
    expect((refused as TickspaceError).code).toBe('NOT_JOINED');
    await world.settle(carol.reducers.join({ name: 'Carol' }));
    const unknown = await world.settle(carol.reducers.say({ channel: 'shout', text: 'hi' })).catch((e) => e);
    expect((unknown as TickspaceError).code).toBe('UNKNOWN_CHANNEL');
    expect((unknown as Error).message).toContain("'local' and 'global', not 'shout'");
    expect(world.db.chat_message.filter('by_channel', 'global').map((m) => m.senderName)).toEqual(['Alice']);
    expect(world.db.player.find(bob.identity)?.name).toBe('Bob');
  });

  it('history names the player behind each version of a row; asOf before the message has none', async () => {
    const message = world.db.chat_message.filter('by_channel', 'global')[0]!;
    const versions = await world.history('chat_message', message.id);
    expect(versions.map((v) => [v.kind, v.reducer, v.sender])).toEqual([['insert', 'say', 'alice']]);
    const before = await world.asOf(versions[0]!.tick - 1);
    expect(before.db.chat_message.find(message.id)).toBeUndefined();
    expect((await world.asOf(versions[0]!.tick)).db.chat_message.find(message.id)?.text).toBe('hello  Bob');
  });
});
