import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planInventory } from '../../src/world/inventory';
import { createWorld, who, type World } from './helpers';

/** Two players standing next to each other. */
async function pair() {
  const w = await createWorld();
  const a = w.join(1, 'Ann');
  const b = w.join(2, 'Bob');
  w.teleport(b, w.player(a).x + 1, w.player(a).y);
  return { w, a, b };
}

function open(w: World, a: ReturnType<World['join']>, b: ReturnType<World['join']>): number {
  w.ok(a, 'trade_open', { partner: b });
  return w.db.trade.filter('by_a', a).find((t) => t.b === b)!.id;
}

/** Takes everything out of a player's bag, as a server transaction. */
function emptyBag(w: World, id: ReturnType<World['join']>): void {
  w.system((ctx) => {
    const plan = planInventory(ctx.db, ctx.db.player.find(id)!.containerId);
    for (const [itemId, quantity] of Object.entries(w.bag(id)))
      expect(plan.remove(itemId, quantity)).toBe(true);
    plan.commit(ctx.db);
  });
  expect(w.bag(id)).toEqual({});
}

describe('trade', () => {
  it('swaps both offers atomically when both accept', async () => {
    const { w, a, b } = await pair();
    w.give(a, 'stick', 10);
    w.give(b, 'stone', 4);
    const trade = open(w, a, b);
    w.ok(a, 'trade_offer', { trade, itemId: 'stick', quantity: 6 });
    w.ok(b, 'trade_offer', { trade, itemId: 'stone', quantity: 4 });
    w.ok(a, 'trade_accept', { trade });
    expect(w.db.trade.find(trade)).toMatchObject({ aAccepted: true, bAccepted: false });
    expect(w.bag(a)).toEqual({ stick: 10 });
    w.ok(b, 'trade_accept', { trade });
    expect(w.bag(a)).toEqual({ stick: 4, stone: 4 });
    expect(w.bag(b)).toEqual({ stick: 6 });
    expect(w.db.trade.find(trade)).toBeUndefined();
    expect(w.db.trade_item.filter('by_trade', trade)).toEqual([]);
  });

  it('a counter-offer clears both acceptances', async () => {
    const { w, a, b } = await pair();
    w.give(a, 'stick', 10);
    w.give(b, 'stone', 4);
    const trade = open(w, a, b);
    w.ok(a, 'trade_offer', { trade, itemId: 'stick', quantity: 2 });
    w.ok(a, 'trade_accept', { trade });
    w.ok(b, 'trade_offer', { trade, itemId: 'stone', quantity: 1 });
    expect(w.db.trade.find(trade)).toMatchObject({ aAccepted: false, bAccepted: false });
    w.ok(b, 'trade_accept', { trade });
    expect(w.bag(b)).toEqual({ stone: 4 });
    w.ok(a, 'trade_accept', { trade });
    expect(w.bag(b)).toEqual({ stone: 3, stick: 2 });
  });

  it('fails cleanly with MISSING_ITEMS if a side no longer holds its offer', async () => {
    const { w, a, b } = await pair();
    w.give(a, 'stick', 5);
    w.give(b, 'stone', 4);
    const trade = open(w, a, b);
    w.ok(a, 'trade_offer', { trade, itemId: 'stick', quantity: 5 });
    w.ok(b, 'trade_offer', { trade, itemId: 'stone', quantity: 4 });
    w.ok(a, 'trade_accept', { trade });
    // Ann's sticks go elsewhere (a craft-free way: another trade with a third player).
    const c = w.join(3, 'Cid');
    w.teleport(c, w.player(a).x, w.player(a).y + 1);
    const side = open(w, a, c);
    w.ok(a, 'trade_offer', { trade: side, itemId: 'stick', quantity: 3 });
    w.ok(a, 'trade_accept', { trade: side });
    w.ok(c, 'trade_accept', { trade: side });
    const before = { a: w.bag(a), b: w.bag(b), trade: w.db.trade.find(trade) };
    w.rejects(b, 'trade_accept', { trade }, 'MISSING_ITEMS');
    expect({ a: w.bag(a), b: w.bag(b), trade: w.db.trade.find(trade) }).toEqual(before);
  });

  it('fails cleanly with INVENTORY_FULL if a side cannot fit what it receives', async () => {
    const { w, a, b } = await pair();
    const slots = w.db.settings.find(0)!.inventorySlots;
    for (let i = 0; i < slots; i++) w.give(b, 'stone_axe', 1);
    w.give(a, 'stick', 5);
    const trade = open(w, a, b);
    w.ok(a, 'trade_offer', { trade, itemId: 'stick', quantity: 5 });
    w.ok(a, 'trade_accept', { trade });
    const before = { a: w.bag(a), b: w.bag(b) };
    w.rejects(b, 'trade_accept', { trade }, 'INVENTORY_FULL');
    expect({ a: w.bag(a), b: w.bag(b) }).toEqual(before);
    // Giving something back frees a slot: now it works.
    w.ok(b, 'trade_offer', { trade, itemId: 'stone_axe', quantity: 1 });
    w.ok(a, 'trade_accept', { trade });
    w.ok(b, 'trade_accept', { trade });
    expect(w.count(b, 'stick')).toBe(5);
    expect(w.count(a, 'stone_axe')).toBe(1);
  });

  it('rejects SELF_TARGET, UNKNOWN_PLAYER, TOO_FAR, TRADE_EXISTS, UNKNOWN_TRADE, UNKNOWN_ITEM, MISSING_ITEMS, TRADE_TOO_LARGE', async () => {
    const w = await createWorld({ seed: 'test-world', worldTiles: 512, maxTradeItems: 2 });
    const a = w.join(1);
    const b = w.join(2);
    w.teleport(b, w.player(a).x + 1, w.player(a).y);
    const c = w.join(3);
    w.teleport(c, w.player(a).x + 20, w.player(a).y);
    w.rejects(who(9), 'trade_open', { partner: b }, 'NOT_JOINED');
    w.rejects(a, 'trade_open', { partner: a }, 'SELF_TARGET');
    w.rejects(a, 'trade_open', { partner: who(99) }, 'UNKNOWN_PLAYER');
    w.rejects(a, 'trade_open', { partner: c }, 'TOO_FAR');
    const trade = open(w, a, b);
    w.rejects(b, 'trade_open', { partner: a }, 'TRADE_EXISTS');
    w.rejects(c, 'trade_offer', { trade, itemId: 'stick', quantity: 1 }, 'UNKNOWN_TRADE');
    w.rejects(a, 'trade_accept', { trade: 999 }, 'UNKNOWN_TRADE');
    w.rejects(a, 'trade_offer', { trade, itemId: 'gold', quantity: 1 }, 'UNKNOWN_ITEM');
    w.rejects(a, 'trade_offer', { trade, itemId: 'stick', quantity: 1 }, 'MISSING_ITEMS');
    w.give(a, 'stick', 1);
    w.give(a, 'stone', 1);
    w.give(a, 'flint', 1);
    w.ok(a, 'trade_offer', { trade, itemId: 'stick', quantity: 1 });
    w.ok(a, 'trade_offer', { trade, itemId: 'stone', quantity: 1 });
    w.rejects(a, 'trade_offer', { trade, itemId: 'flint', quantity: 1 }, 'TRADE_TOO_LARGE');
    w.ok(a, 'trade_offer', { trade, itemId: 'stone', quantity: 0 });
    w.ok(a, 'trade_offer', { trade, itemId: 'flint', quantity: 1 });
    w.ok(b, 'trade_cancel', { trade });
    w.rejects(a, 'trade_cancel', { trade }, 'UNKNOWN_TRADE');
    // Offline partners are too far; a disconnect closes open trades.
    const again = open(w, a, b);
    w.engine.disconnect(b);
    w.engine.runTick();
    expect(w.db.trade.find(again)).toBeUndefined();
    w.rejects(a, 'trade_open', { partner: b }, 'TOO_FAR');
  });

  it('conserves items: a trade either swaps both offers or changes nothing (property)', async () => {
    const { w, a, b } = await pair();
    const items = ['stick', 'stone', 'flint', 'fiber', 'stone_axe'];
    const outcomes = { empty: 0, oneWay: 0, twoWay: 0, failed: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...items), fc.integer({ min: 1, max: 120 })), { maxLength: 8 }),
        fc.array(fc.tuple(fc.constantFrom(...items), fc.integer({ min: 1, max: 120 })), { maxLength: 8 }),
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...items), fc.integer({ min: 0, max: 80 })), {
          maxLength: 6,
        }),
        // Whose bag is emptied after the offers, so that their offer can no longer be paid.
        fc.constantFrom('nobody', 'nobody', 'a', 'b'),
        async (giftsA, giftsB, offers, spoiled) => {
          // Each run starts from empty bags: carried over, they fill up and most trades fail INVENTORY_FULL.
          for (const id of [a, b]) emptyBag(w, id);
          for (const [item, q] of giftsA) w.tryGive(a, item, q);
          for (const [item, q] of giftsB) w.tryGive(b, item, q);
          const trade = open(w, a, b);
          for (const [fromA, item, q] of offers)
            w.call(fromA ? a : b, 'trade_offer', { trade, itemId: item, quantity: q });
          if (spoiled !== 'nobody') emptyBag(w, spoiled === 'a' ? a : b);
          const offered = w.db.trade_item.filter('by_trade', trade);
          const before = { a: w.bag(a), b: w.bag(b) };
          if (offered.length === 0) {
            // Nothing on either side: refused, nothing changes.
            outcomes.empty++;
            w.rejects(a, 'trade_accept', { trade }, 'TRADE_EMPTY');
            expect({ a: w.bag(a), b: w.bag(b) }).toEqual(before);
            w.ok(a, 'trade_cancel', { trade });
            return;
          }
          w.ok(a, 'trade_accept', { trade });
          const { result } = w.call(b, 'trade_accept', { trade });
          const after = { a: w.bag(a), b: w.bag(b) };
          const total = (bag: Record<string, number>, other: Record<string, number>) =>
            Object.fromEntries(items.map((i) => [i, (bag[i] ?? 0) + (other[i] ?? 0)]));
          expect(total(after.a, after.b)).toEqual(total(before.a, before.b));
          if (result.ok) {
            const sides = new Set(offered.map((o) => o.side)).size;
            outcomes[sides === 0 ? 'empty' : sides === 1 ? 'oneWay' : 'twoWay']++;
            const expected = { a: { ...before.a }, b: { ...before.b } };
            for (const o of offered) {
              const [from, to] = o.side === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
              expected[from][o.itemId] = (expected[from][o.itemId] ?? 0) - o.quantity;
              expected[to][o.itemId] = (expected[to][o.itemId] ?? 0) + o.quantity;
            }
            const clean = (bag: Record<string, number>) =>
              Object.fromEntries(Object.entries(bag).filter(([, q]) => q !== 0));
            expect(after).toEqual({ a: clean(expected.a), b: clean(expected.b) });
          } else {
            outcomes.failed++;
            expect(result).toMatchObject({ ok: false, code: 'MISSING_ITEMS' });
            expect(after).toEqual(before);
            w.ok(a, 'trade_cancel', { trade });
          }
        },
      ),
      { numRuns: 80, seed: 7 },
    );
    // Trades that moved items one way and both ways, and refused ones, all ran (an empty trade proves little).
    // Seed 7 gives 19 one-way, 4 two-way and 10 refused trades of 80.
    expect(outcomes.oneWay).toBeGreaterThan(5);
    expect(outcomes.twoWay).toBeGreaterThan(1);
    expect(outcomes.failed).toBeGreaterThan(3);
    expect(outcomes.empty).toBeGreaterThan(0);
  });
});

describe('trade consent', () => {
  const notices = (w: World, id: ReturnType<World['join']>) =>
    w.db.notice
      .filter('by_owner', id)
      .sort((x, y) => x.id - y.id)
      .map((n) => `${n.code}: ${n.text}`);

  it('opens as an invitation the partner takes up or declines; only the partner answers it', async () => {
    const { w, a, b } = await pair();
    const trade = open(w, a, b);
    expect(w.db.trade.find(trade)).toMatchObject({ bJoined: false });
    w.rejects(a, 'trade_respond', { trade, accept: true }, 'NOT_INVITED');
    w.ok(b, 'trade_respond', { trade, accept: true });
    expect(w.db.trade.find(trade)).toMatchObject({ bJoined: true });
    // A second invitation, declined: closed, and the inviter is told in words.
    w.ok(b, 'trade_cancel', { trade });
    expect(notices(w, a)).toEqual(['TRADE_CANCELLED: Bob cancelled the trade.']);
    const again = open(w, a, b);
    w.ok(b, 'trade_respond', { trade: again, accept: false });
    expect(w.db.trade.find(again)).toBeUndefined();
    expect(notices(w, a).at(-1)).toBe('TRADE_DECLINED: Bob declined the trade.');
    w.rejects(b, 'trade_respond', { trade: again, accept: true }, 'UNKNOWN_TRADE');
  });

  it("the partner's offer or acceptance takes up the invitation too", async () => {
    const { w, a, b } = await pair();
    w.give(a, 'stick', 2);
    w.give(b, 'stone', 1);
    const first = open(w, a, b);
    w.ok(a, 'trade_offer', { trade: first, itemId: 'stick', quantity: 1 });
    expect(w.db.trade.find(first)).toMatchObject({ bJoined: false });
    w.ok(b, 'trade_offer', { trade: first, itemId: 'stone', quantity: 1 });
    expect(w.db.trade.find(first)).toMatchObject({ bJoined: true });
    w.ok(a, 'trade_cancel', { trade: first });
    const second = open(w, a, b);
    w.ok(a, 'trade_offer', { trade: second, itemId: 'stick', quantity: 1 });
    w.ok(b, 'trade_accept', { trade: second });
    expect(w.db.trade.find(second)).toMatchObject({ bJoined: true, bAccepted: true });
  });

  it('refuses to accept an empty trade, and says so in words', async () => {
    const { w, a, b } = await pair();
    const trade = open(w, a, b);
    w.ok(b, 'trade_respond', { trade, accept: true });
    const message = w.rejects(a, 'trade_accept', { trade }, 'TRADE_EMPTY');
    expect(message).toBe('Nothing is on offer yet: put something in the trade before you accept.');
    w.rejects(b, 'trade_accept', { trade }, 'TRADE_EMPTY');
    expect(w.db.trade.find(trade)).toMatchObject({ aAccepted: false, bAccepted: false });
  });

  it('tells both parties what they gave and received, by item names', async () => {
    const { w, a, b } = await pair();
    w.give(a, 'stick', 3);
    w.give(a, 'stone', 2);
    w.give(a, 'flint', 1);
    const trade = open(w, a, b);
    w.ok(a, 'trade_offer', { trade, itemId: 'stick', quantity: 3 });
    w.ok(a, 'trade_offer', { trade, itemId: 'stone', quantity: 2 });
    w.ok(a, 'trade_offer', { trade, itemId: 'flint', quantity: 1 });
    w.ok(a, 'trade_accept', { trade });
    w.ok(b, 'trade_accept', { trade });
    const name = (id: string) => w.db.item_def.find(id)!.name;
    const gave = `1 × ${name('flint')}, 3 × ${name('stick')} and 2 × ${name('stone')}`;
    expect(notices(w, a)).toEqual([
      `TRADE_COMPLETE: Trade with Bob complete: you gave ${gave} and received nothing.`,
    ]);
    expect(notices(w, b)).toEqual([
      `TRADE_COMPLETE: Trade with Ann complete: you gave nothing and received ${gave}.`,
    ]);
  });

  it('names items, not ids, in refusals', async () => {
    const { w, a, b } = await pair();
    const trade = open(w, a, b);
    const message = w.rejects(a, 'trade_offer', { trade, itemId: 'stone_axe', quantity: 1 }, 'MISSING_ITEMS');
    expect(message).toBe(`You have no ${w.db.item_def.find('stone_axe')!.name}, not 1.`);
  });
});
