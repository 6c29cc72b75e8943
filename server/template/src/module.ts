/**
 * The game: its tables and the reducers that change them. This file is the module
 * `npm start` serves (`tickspace serve --module src/module.ts`): it runs sandboxed, so reducers
 * use `ctx.now` and `ctx.rng()`, never the wall clock or Math.random.
 */
import { createSchema, defineModule, ReducerError, t, table } from 'tickspace';

/** How often a round ends, in logical milliseconds. */
export const ROUND_MS = 10_000;

const schema = createSchema({
  player: table(
    { public: true },
    { id: t.identity().primaryKey(), name: t.string().unique(), points: t.u32() },
  ),
  round: table({ public: true }, { id: t.u8().primaryKey(), number: t.u32(), leader: t.string() }),
});

/** Joins the game under a name (once per identity). */
const join = schema.reducer('join', { name: t.string() }, (ctx, { name }) => {
  if (name.trim() === '' || name.length > 24)
    throw new ReducerError('BAD_NAME', 'a name is 1 to 24 characters');
  if (ctx.db.player.find(ctx.sender)) throw new ReducerError('ALREADY_JOINED', 'you have already joined');
  ctx.db.player.insert({ id: ctx.sender, name, points: 0 });
});

/** Scores one point for the caller. */
const score = schema.reducer('score', {}, (ctx) => {
  const me = ctx.db.player.find(ctx.sender);
  if (!me) throw new ReducerError('NOT_JOINED', 'join first');
  ctx.db.player.update({ ...me, points: me.points + 1 });
});

/** Scheduled every ROUND_MS: names the round's leader and starts the next round at zero. */
const endRound = schema.reducer(
  'endRound',
  {},
  (ctx) => {
    let leader = '';
    let best = 0;
    for (const p of ctx.db.player.iter()) {
      if (p.points > best) [leader, best] = [p.name, p.points];
      if (p.points !== 0) ctx.db.player.update({ ...p, points: 0 });
    }
    const round = ctx.db.round.find(0)!;
    ctx.db.round.update({ ...round, number: round.number + 1, leader });
  },
  { internal: true },
);

export default defineModule(schema, {
  reducers: [join, score, endRound],
  init: (ctx) => {
    ctx.db.round.insert({ id: 0, number: 1, leader: '' });
    ctx.schedule('endRound', {}, { inMs: ROUND_MS, everyMs: ROUND_MS });
  },
});
