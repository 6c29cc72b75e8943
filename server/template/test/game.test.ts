// `npm test`: the module in logical time, with two players and no sockets (tickspace/testing).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestWorld } from 'tickspace/testing';
import game, { ROUND_MS } from '../src/module.ts';

test('two players score, and the round names the leader', async () => {
  const world = await createTestWorld(game, { tickMs: 50 });
  const ada = await world.player('ada');
  const bo = await world.player('bo');
  await world.settle(ada.subscribe({ table: 'player' }).applied);
  await world.settle(ada.reducers.join({ name: 'Ada' }));
  await world.settle(bo.reducers.join({ name: 'Bo' }));
  await world.settle(ada.reducers.score({}));
  await world.settle(ada.reducers.score({}));
  await world.settle(bo.reducers.score({}));
  assert.equal(ada.db.player.find(ada.identity)?.points, 2);

  const refused = await world.settle(bo.reducers.join({ name: 'Bo' })).catch((e) => e.code);
  assert.equal(refused, 'ALREADY_JOINED');

  await world.tick(ROUND_MS / 50);
  assert.equal(world.db.round.find(0)?.leader, 'Ada');
  assert.equal(ada.db.player.find(ada.identity)?.points, 0);

  // Time travel: who changed Ada's row, and the scores just before the round ended.
  const history = await world.history('player', ada.identity);
  assert.deepEqual(
    history.map((v) => `${v.reducer} by ${v.sender}`),
    ['join by ada', 'score by ada', 'score by ada', 'endRound by server'],
  );
  const before = await world.asOf(history[3]!.tick - 1);
  assert.equal(before.db.player.find(ada.identity)?.points, 2);
  await world.close();
});
