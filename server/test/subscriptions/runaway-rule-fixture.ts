import { createSchema, defineModule, t, table } from '../../src/engine';

/**
 * A runaway visibility rule: `secret` rows marked `loop` send the rule into `for (;;)`, and so does
 * any row while `trap.on` is set. Without a budget the first tick (or subscribe) that asks the
 * rule about such a row never returns.
 */
export const trap = { on: false };
/** Every `slow` row costs its rule this many ms of busy work, then the rule answers: slow, never runaway. */
export const slowRule = { ms: 0 };
const schema = createSchema({
  secret: table(
    {
      public: true,
      visibility: (row, viewer) => {
        if (row.loop || trap.on) for (;;);
        return row.owner === viewer;
      },
    },
    { id: t.u32().primaryKey(), owner: t.identity(), loop: t.bool() },
  ),
  mine: table(
    { public: true, visibility: (row, viewer) => row.owner === viewer },
    { id: t.u32().primaryKey(), owner: t.identity() },
  ),
  slow: table(
    {
      public: true,
      visibility: (row, viewer) => {
        const until = performance.now() + slowRule.ms;
        while (performance.now() < until);
        return row.owner === viewer;
      },
    },
    { id: t.u32().primaryKey(), owner: t.identity() },
  ),
});
const many = schema.reducer('many', { from: t.u32(), count: t.u32() }, (ctx, a) => {
  for (let i = 0; i < a.count; i++) ctx.db.slow.insert({ id: a.from + i, owner: ctx.sender });
});
const put = schema.reducer('put', { id: t.u32(), loop: t.bool() }, (ctx, a) => {
  ctx.db.secret.insert({ id: a.id, owner: ctx.sender, loop: a.loop });
});
const note = schema.reducer('note', { id: t.u32() }, (ctx, a) => {
  ctx.db.mine.insert({ id: a.id, owner: ctx.sender });
});
export const runaway = defineModule(schema, { reducers: [put, note, many] });
