import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/random';
import { SOCIAL_DEFAULTS, SocialHabits } from '../../src/behaviour/social-habits';
import { perturbSocialBotParams, SOCIAL_BOT_DEFAULTS } from '../../src/behaviour/social-bot';
import { quantile, runTiers } from './tier-run';

const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);

describe('social bot', () => {
  it('wants trades and chats at its drawn rates per minute of play, whatever its decision rate', () => {
    for (const decisionsPerMinute of [6, 120]) {
      const h = new SocialHabits(SOCIAL_DEFAULTS, createRng(`d${decisionsPerMinute}`));
      let trades = 0;
      let chats = 0;
      const minutes = 2_000;
      const step = 60_000 / decisionsPerMinute;
      for (let t = 0; t < minutes * 60_000; t += step) {
        if (h.wantsTrade({ nowMs: t, timeOnTaskMs: t })) trades++;
        if (h.chat({ nowMs: t, timeOnTaskMs: t }, 0) !== undefined) chats++;
      }
      expect(trades / minutes).toBeGreaterThan(h.tradeOpensPerMinute * 0.8);
      expect(trades / minutes).toBeLessThan(h.tradeOpensPerMinute * 1.2);
      expect(chats / minutes).toBeGreaterThan(h.chatPerMinute * 0.85);
      expect(chats / minutes).toBeLessThan(h.chatPerMinute * 1.15);
    }
  });

  it('draws variants that stay in range and differ by seed', () => {
    const a = perturbSocialBotParams('v1');
    expect(perturbSocialBotParams('v1')).toEqual(a);
    expect(perturbSocialBotParams('v2')).not.toEqual(a);
    expect(a.naiveShare).toBeGreaterThanOrEqual(0);
    expect(a.naiveShare).toBeLessThanOrEqual(1);
    expect(a.chatPerMinuteMedian).not.toBe(SOCIAL_BOT_DEFAULTS.chatPerMinuteMedian);
  });

  it('chats and opens trades at the rates of the humans it plays among; the scripts it is built on never do', async () => {
    const minutes = 6;
    const run = await runTiers({
      mix: { human: 36, social: 12, jittered: 3, naive: 1 },
      seed: 'social-rates',
      minutes,
      joinWindowMs: 5_000,
      world: { worldTiles: 512 },
      // A crowded patch, so that players meet often enough to trade.
      homeScale: 0.2,
    });
    const humanSay = run.ratePerMinute('human', 'say', false);
    const socialSay = run.ratePerMinute('social', 'say', false);
    expect(quantile(socialSay, 0.5)).toBeGreaterThanOrEqual(quantile(humanSay, 0.1));
    expect(quantile(socialSay, 0.5)).toBeLessThanOrEqual(quantile(humanSay, 0.9));
    expect(quantile(socialSay, 0.9)).toBeLessThanOrEqual(Math.max(...humanSay));
    // Humans' rates spread widely (replies feed on what is heard); the tier's mean stays near theirs.
    const ratio = sum(socialSay) / socialSay.length / (sum(humanSay) / humanSay.length);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(1.5);

    // Trade openings are rare for humans (about 0.02 a minute), so a few minutes hold only a few,
    // and the tier's expected count here is under two: whether one happens depends on who meets
    // whom (any change to the world moves it), so only the upper bound is asserted at the default.
    const humanOpens = sum(run.ratePerMinute('human', 'trade_open')) * minutes;
    const socialOpens = sum(run.ratePerMinute('social', 'trade_open')) * minutes;
    expect(humanOpens).toBeGreaterThanOrEqual(3);
    expect(socialOpens / 12).toBeLessThanOrEqual((4 * humanOpens) / 36);

    for (const tier of ['jittered', 'naive'] as const) {
      expect(sum(run.ratePerMinute(tier, 'say', false))).toBe(0);
      expect(sum(run.ratePerMinute(tier, 'trade_open', false))).toBe(0);
    }
  }, 120_000);

  it('turns its wish to trade into trades opened on the server (at twenty times the default rate, so the count is not left to chance)', async () => {
    const minutes = 6;
    const rate = SOCIAL_DEFAULTS.tradeOpensPerMinuteMedian * 20;
    const run = await runTiers({
      mix: { human: 12, social: 12 },
      seed: 'social-trades',
      minutes,
      joinWindowMs: 5_000,
      world: { worldTiles: 512 },
      homeScale: 0.2,
      tierParams: { social: { tradeOpensPerMinuteMedian: rate } },
    });
    const socialOpens = sum(run.ratePerMinute('social', 'trade_open')) * minutes;
    // About 36 wishes expected (12 bots, 6 minutes, 0.5 a minute); many find nobody in reach, and
    // at this seed 11 open (7 at half the rate, 0 at the default).
    expect(socialOpens).toBeGreaterThanOrEqual(4);
    expect(socialOpens).toBeLessThanOrEqual(12 * minutes * rate * 3);
  }, 120_000);
});
