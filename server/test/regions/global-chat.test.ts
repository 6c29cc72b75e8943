import { describe, expect, it } from 'vitest';
import { createEngine, type Identity } from '../../src/engine';
import { createMemoryFabric, type MemoryFaults } from '../../src/fabric';
import { createFrontierRegion } from '../../src/cli/frontier-region';
import { GlobalChatRelay } from '../../src/cli/frontier-region-chat';
import { regionGrid } from '../../src/regions';
import { makeWorld, SMALL, who, type FrontierEngine } from '../world/helpers';

const quiet = { error: () => {}, warn: () => {} };
const NAMES = ['r0_0', 'r1_0'] as const;
type Name = (typeof NAMES)[number];

/** Two Frontier regions with their global chat relays over one in-process fabric, ticked by hand. */
async function twoRegions(faults: MemoryFaults = {}, errors: string[] = []) {
  const logger = { error: (m: string) => void errors.push(m) };
  const grid = regionGrid('2x1', 512, 512);
  const fabric = createMemoryFabric({ seed: 3, faults, manual: true });
  const regions = {} as Record<
    Name,
    { engine: FrontierEngine; world: ReturnType<typeof makeWorld>; chat: GlobalChatRelay }
  >;
  for (const name of NAMES) {
    const region = await createFrontierRegion({ ...SMALL, region: name, grid });
    const engine = createEngine({ module: region.module, seed: 'chat', tickMs: 50, logger: quiet });
    const chat = new GlobalChatRelay({
      engine,
      fabric,
      region: name,
      peers: NAMES.filter((n) => n !== name),
      logger,
    });
    await chat.start();
    engine.runTick();
    const e = engine as unknown as FrontierEngine;
    regions[name] = { engine: e, world: makeWorld(region.frontier, e), chat };
  }
  /** Rounds of a tick in each region and every delivery handed out, until `done` holds. */
  const until = async (what: string, done: () => boolean, rounds = 200) => {
    for (let i = 0; i < rounds; i++) {
      if (done()) return;
      for (const name of NAMES) regions[name].engine.runTick();
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (fabric.step()) await new Promise<void>((resolve) => setImmediate(resolve));
      if (i % 10 === 9) fabric.expireAckWait();
    }
    throw new Error(`not reached in ${rounds} rounds: ${what}`);
  };
  /** The global (or local) lines a region's table holds, as `name: text`. */
  const lines = (name: Name, channel = 'global') =>
    regions[name].engine.db.chat_message
      .filter('by_channel', channel)
      .map((m) => `${m.senderName}: ${m.text}`)
      .sort();
  return { fabric, regions, until, lines };
}

function join(w: Awaited<ReturnType<typeof twoRegions>>, name: Name, id: Identity, player: string) {
  w.regions[name].engine.connect(id);
  w.regions[name].world.ok(id, 'join', { name: player });
}

describe('global chat across regions', () => {
  it('a global message reaches every region once, as a logged row there; local chat stays; nothing echoes back', async () => {
    const errors: string[] = [];
    const w = await twoRegions({ duplicate: 0.6, reorder: 0.3, drop: 0.1 }, errors);
    const ann = who(0xa);
    const bob = who(0xb);
    join(w, 'r0_0', ann, 'Ann');
    join(w, 'r1_0', bob, 'Bob');
    w.regions.r0_0.world.ok(ann, 'say', { channel: 'global', text: 'hello world' });
    w.regions.r0_0.world.ok(ann, 'say', { channel: 'local', text: 'only here' });
    w.regions.r1_0.world.ok(bob, 'say', { channel: 'global', text: 'hi Ann' });
    const both = ['Ann: hello world', 'Bob: hi Ann'];
    await w.until('both lines in both regions', () => NAMES.every((n) => w.lines(n).length >= 2));
    // More rounds: duplicated and late deliveries still arrive, and republishes after a restart.
    let duplicates = 0;
    for (const name of NAMES) {
      await w.regions[name].chat.stop();
      duplicates += w.regions[name].chat.counts.duplicates;
      const again = new GlobalChatRelay({
        engine: w.regions[name].engine,
        fabric: w.fabric,
        region: name,
        peers: NAMES.filter((n) => n !== name),
        logger: { error: (m: string) => void errors.push(m) },
      });
      await again.start();
      w.regions[name].chat = again;
    }
    let rounds = 0;
    await w.until('forty more rounds', () => ++rounds > 40);
    for (const name of NAMES) expect(w.lines(name), name).toEqual(both);
    expect(w.lines('r1_0', 'local')).toEqual([]);
    expect(w.lines('r0_0', 'local')).toEqual(['Ann: only here']);
    // The relayed row keeps who said it.
    const relayed = w.regions.r1_0.engine.db.chat_message
      .filter('by_channel', 'global')
      .find((m) => m.sender === ann)!;
    expect(relayed.senderName).toBe('Ann');
    // The faults ran: duplicates reached the receivers' applied sets, which answered them (a
    // duplicate that failed would be logged and never acked).
    expect(w.fabric.counts.duplicated).toBeGreaterThan(0);
    for (const name of NAMES) duplicates += w.regions[name].chat.counts.duplicates;
    expect(duplicates).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('forgets what it sent of rows once they are pruned', async () => {
    const w = await twoRegions();
    const ann = who(0xa);
    join(w, 'r0_0', ann, 'Ann');
    w.regions.r0_0.world.ok(ann, 'say', { channel: 'global', text: 'soon gone' });
    await w.until('relayed', () => w.lines('r1_0').length === 1);
    expect(w.regions.r0_0.chat.remembered).toBe(1);
    w.regions.r0_0.world.system((ctx) => {
      for (const m of ctx.db.chat_message.iter()) ctx.db.chat_message.delete(m.id);
    });
    let rounds = 0;
    await w.until('a round after the prune', () => ++rounds > 1);
    expect(w.regions.r0_0.chat.remembered).toBe(0);
  });

  it('a malformed relayed message is refused with the field named, acked, and inserts nothing', async () => {
    const errors: string[] = [];
    const w = await twoRegions();
    await w.regions.r1_0.chat.stop();
    const chat = new GlobalChatRelay({
      engine: w.regions.r1_0.engine,
      fabric: w.fabric,
      region: 'r1_0',
      peers: ['r0_0'],
      logger: { error: (m: string, e?: unknown) => void errors.push(`${m} ${String(e)}`) },
    });
    await chat.start();
    await w.fabric.publish('ts.r.r1_0.chat', new TextEncoder().encode('{"from":"r0_0","id":-1}'), 'bad-1');
    await w.until('refused', () => chat.counts.invalid === 1);
    expect(errors.join('\n')).toMatch(/'sender' must be text/);
    expect(w.lines('r1_0')).toEqual([]);
    // A client cannot forge a relayed line.
    const eve = who(0xe);
    join(w, 'r1_0', eve, 'Eve');
    const args = { from: 'r0_0', id: 1, sender: eve, senderName: 'Ann', text: 'forged', x: 0, y: 0 };
    expect(w.regions.r1_0.world.rejects(eve, 'chat_in', args, 'FORBIDDEN')).toMatch(/region relay/);
  });
});
