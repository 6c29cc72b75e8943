import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TIER_LIST } from '../../src/behaviour/agent';
import { FARM_RING_DEFAULTS, RingGatherer } from '../../src/behaviour/farm-ring';
import { SESSION_BOT_DEFAULTS, SessionBot } from '../../src/behaviour/session-bot';
import { SocialBot } from '../../src/behaviour/social-bot';
import {
  createPopulation,
  perturbTierParams,
  memberIdentity,
  parseMix,
  scriptTierParams,
  SETTLE_REFERENCE_PLAYERS,
  settleScale,
} from '../../src/behaviour/population';

describe('population', () => {
  it('parses counts and shares', () => {
    expect(parseMix('human=0.9,naive=0.1', 100)).toMatchObject({ human: 90, naive: 10, jittered: 0 });
    expect(parseMix('human=800,naive=50', 0)).toMatchObject({ human: 800, naive: 50 });
    const dflt = parseMix(undefined, 1000);
    expect(Object.values(dflt).reduce((s, n) => s + n, 0)).toBe(1000);
    expect(dflt.human).toBe(850);
  });

  it('rejects an unknown tier or a bad number with the list of tiers', () => {
    expect(() => parseMix('robot=3', 10)).toThrow(/unknown tier 'robot'; tiers are human, naive/);
    expect(() => parseMix('human=-1', 10)).toThrow(/needs a number >= 0/);
  });

  it('shares always add up to the number of players (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 20_000 }),
        (shares, players) => {
          const text = shares.map((s, i) => `${TIER_LIST[i]}=${s}`).join(',');
          const mix = parseMix(text, players);
          expect(Object.values(mix).reduce((s, n) => s + n, 0)).toBe(players);
        },
      ),
    );
  });

  it('is seeded: same seed, same members; tiers are shuffled and names reveal nothing', () => {
    const a = createPopulation({ mix: { human: 20, naive: 5, humanised: 5 }, seed: 'p' });
    const b = createPopulation({ mix: { human: 20, naive: 5, humanised: 5 }, seed: 'p' });
    expect(a.map((m) => [m.identity, m.agent.name, m.agent.tier, m.startMs])).toEqual(
      b.map((m) => [m.identity, m.agent.name, m.agent.tier, m.startMs]),
    );
    expect(
      a
        .map((m) => m.agent.tier)
        .slice(0, 20)
        .every((t) => t === 'human'),
    ).toBe(false);
    expect(new Set(a.map((m) => m.identity)).size).toBe(30);
    expect(a.every((m) => /^[0-9a-f]{32}$/.test(m.identity) && /^pl[0-9a-z]+$/.test(m.agent.name))).toBe(
      true,
    );
    expect(a[3]!.identity).toBe(memberIdentity('p', 3));
    expect(a.every((m) => m.startMs >= 0 && m.startMs < 60_000)).toBe(true);
  });

  it('spreads large populations wider so the density of players stays the same', () => {
    expect(settleScale(10)).toBe(1);
    expect(settleScale(SETTLE_REFERENCE_PLAYERS)).toBe(1);
    expect(settleScale(4 * SETTLE_REFERENCE_PLAYERS)).toBeCloseTo(2, 12);
    // Players per unit of settled area: (players / scale^2) stays at the reference above it.
    for (const n of [2_000, 10_000, 50_000])
      expect(n / settleScale(n) ** 2).toBeCloseTo(SETTLE_REFERENCE_PLAYERS, 6);
    expect(createPopulation({ mix: { human: 3 }, seed: 'p' }).every((m) => m.agent.homeScale === 1)).toBe(
      true,
    );
    expect(
      createPopulation({ mix: { human: 3 }, seed: 'p', homeScale: 2.5 }).every(
        (m) => m.agent.homeScale === 2.5,
      ),
    ).toBe(true);
  });

  it('gives the tiers the params it is given, and draws variants of all of them by seed', () => {
    const v = perturbTierParams('v1');
    expect(perturbTierParams('v1')).toEqual(v);
    expect(perturbTierParams('v2')).not.toEqual(v);
    const members = createPopulation({
      mix: { social: 2, session: 2, 'farm-ring': 2, 'ring-receiver': 1 },
      seed: 'p',
      tierParams: { ...v, social: { chatPerMinuteMedian: 50, chatPerMinuteSpread: 0.01 } },
    });
    for (const m of members) {
      const a = m.agent;
      if (a instanceof SessionBot) expect(a.sessionStyle.planner.params).toEqual({ ...v.session });
      if (a instanceof RingGatherer) {
        expect(a.ring.params).toEqual(v['farm-ring']);
        expect(a.ring.params).not.toEqual(FARM_RING_DEFAULTS);
      }
      if (a instanceof SocialBot) expect(a.socialStyle.habits.chatPerMinute).toBeGreaterThan(45);
    }
    expect(members.filter((m) => m.agent instanceof SocialBot)).toHaveLength(2);
  });

  it('with varyParams, gives every bot script its own variant around the given params, the same in every run', () => {
    const options = {
      mix: { session: 3, 'farm-ring': 4, 'ring-receiver': 2 },
      seed: 'p',
      tierParams: { 'farm-ring': { deliverAtItems: 100 } },
      varyParams: 'train',
    };
    const sessionParams = (members: ReturnType<typeof createPopulation>) =>
      members.flatMap((m) => (m.agent instanceof SessionBot ? [m.agent.sessionStyle.planner.params] : []));
    const members = createPopulation(options);
    const sessions = sessionParams(members);
    expect(new Set(sessions.map((p) => JSON.stringify(p))).size).toBe(3);
    for (const p of sessions) expect(p).not.toEqual(SESSION_BOT_DEFAULTS);
    expect(sessionParams(createPopulation(options))).toEqual(sessions);
    // A ring is one script: its gatherers share its variant, and the two rings differ.
    const rings = [
      ...new Set(members.flatMap((m) => (m.agent instanceof RingGatherer ? [m.agent.ring] : []))),
    ];
    expect(rings).toHaveLength(2);
    expect(rings[0]!.params).not.toEqual(rings[1]!.params);
    // Around the given 100 items per delivery (the default is 24; a draw moves it by about 0.35 on the log scale).
    for (const r of rings) expect(r.params.deliverAtItems).toBeGreaterThan(40);
    const base = perturbTierParams('v1');
    expect(scriptTierParams({ tierParams: base }, 'agent/1')).toBe(base);
    expect(scriptTierParams({ tierParams: base, varyParams: 'x' }, 'agent/1')).not.toEqual(base);
    expect(() => perturbTierParams('x', { social: { nope: 1 } as never })).toThrow(/unknown field 'nope'/);
  });
});
