import { describe, expect, it } from 'vitest';
import { FarmRing, RingGatherer } from '../../src/behaviour/farm-ring';
import { createPopulation } from '../../src/behaviour/population';
import { RingReceiver } from '../../src/behaviour/ring-receiver';
import { median, runTiers, type Point } from './tier-run';

const small = { worldTiles: 512 } as const;
const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

describe('farm ring', () => {
  it('deals the gatherers to the receivers, one script per ring', () => {
    const members = createPopulation({
      mix: { human: 3, 'farm-ring': 7, 'ring-receiver': 2 },
      seed: 'rings',
    });
    const receivers = members.filter((m) => m.agent instanceof RingReceiver);
    const gatherers = members.filter((m) => m.agent instanceof RingGatherer);
    const rings = new Set(gatherers.map((g) => (g.agent as RingGatherer).ring));
    expect(rings.size).toBe(2);
    for (const ring of rings) {
      expect(receivers.map((r) => r.identity)).toContain(ring.receiver);
      expect(receivers.find((r) => r.identity === ring.receiver)!.agent).toHaveProperty('ring', ring);
    }
    expect([...rings].map((r: FarmRing) => r.gatherers.size).sort()).toEqual([3, 4]);
    for (const g of gatherers) expect((g.agent as RingGatherer).ring.gatherers.has(g.identity)).toBe(true);
    // One script per ring: its members form one group (a runner keeps a group on one thread).
    for (const g of gatherers) {
      const receiver = members.findIndex((m) => m.identity === (g.agent as RingGatherer).ring.receiver);
      expect(g.group).toBe(receiver);
      expect(members[receiver]!.group).toBe(receiver);
    }
    members.forEach((m, i) => {
      if (m.agent.tier === 'human') expect(m.group).toBe(i);
    });
  });

  it('refuses gatherers with no receiver to funnel to', () => {
    expect(() => createPopulation({ mix: { human: 2, 'farm-ring': 3 }, seed: 'rings' })).toThrow(
      /3 farm-ring gatherers needs at least one ring-receiver/,
    );
    expect(() =>
      createPopulation({
        mix: { 'farm-ring': 1, 'ring-receiver': 1 },
        seed: 'rings',
        tierParams: { 'farm-ring': { deliverAt: 3 } as never },
      }),
    ).toThrow(/farm-ring params: unknown field 'deliverAt'; fields are deliverAtItems/);
  });

  it('gathers side by side and funnels items one way, to its receiver, which gathers little', async () => {
    const run = await runTiers({
      mix: { human: 6, 'farm-ring': 6, 'ring-receiver': 2 },
      seed: 'ring-flow',
      minutes: 5,
      joinWindowMs: 5_000,
      world: small,
    });
    const members = run.result.members;
    const ringOf = new Map<string, FarmRing>();
    for (const m of members)
      if (m.agent instanceof RingGatherer || m.agent instanceof RingReceiver)
        ringOf.set(m.identity, m.agent.ring);
    const receivers = run.identities('ring-receiver');
    const gatherers = run.identities('farm-ring');

    // Items flow one way: every gatherer's items go to its own ring's receiver, none come back.
    const ringFlows = run.flows.filter((f) => ringOf.has(f.from) || ringOf.has(f.to));
    expect(ringFlows.length).toBeGreaterThan(10);
    for (const f of ringFlows) {
      expect(gatherers).toContain(f.from);
      expect(f.to).toBe(ringOf.get(f.from)!.receiver);
    }
    const received = new Map<string, number>();
    const givers = new Map<string, Set<string>>();
    for (const f of ringFlows) {
      received.set(f.to, (received.get(f.to) ?? 0) + f.quantity);
      if (!givers.has(f.to)) givers.set(f.to, new Set());
      givers.get(f.to)!.add(f.from);
    }
    for (const r of receivers) {
      // A star: several gatherers give to it, and it receives far more than it gathers.
      expect(givers.get(r)?.size ?? 0).toBeGreaterThanOrEqual(2);
      const gathered = (run.calls.get(r) ?? []).filter((c) => c.reducer === 'gather' && c.ok).length;
      expect(received.get(r) ?? 0).toBeGreaterThan(3 * gathered);
    }
    const gathersPerMinute = (id: string) =>
      (run.calls.get(id) ?? []).filter((c) => c.reducer === 'gather' && c.ok).length;
    expect(Math.max(...receivers.map(gathersPerMinute))).toBeLessThan(
      median(gatherers.map(gathersPerMinute)) / 3,
    );

    // Side by side: once settled, a gatherer stays near its receiver, much nearer than humans to each other.
    const late = run.positions.filter((p) => p.atMs >= 120_000);
    const ringDistances: number[] = [];
    const humanDistances: number[] = [];
    const humans = run.identities('human');
    for (const { at } of late) {
      for (const g of gatherers) {
        const a = at.get(g);
        const b = at.get(ringOf.get(g)!.receiver);
        if (a !== undefined && b !== undefined) ringDistances.push(dist(a, b));
      }
      for (let i = 1; i < humans.length; i++) {
        const a = at.get(humans[i - 1]!);
        const b = at.get(humans[i]!);
        if (a !== undefined && b !== undefined) humanDistances.push(dist(a, b));
      }
    }
    expect(ringDistances.length).toBeGreaterThan(50);
    expect(median(ringDistances)).toBeLessThan(ringOf.get(gatherers[0]!)!.params.leashTiles);
    expect(median(humanDistances)).toBeGreaterThan(3 * median(ringDistances));
  }, 120_000);
});
