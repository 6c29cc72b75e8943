import { createSchema, defineModule, t, table } from '../../src/engine';

/**
 * A runaway visibility rule: `secret` rows marked `loop` send the rule into `for (;;)`, and so does
 * any row while `trap.on` is set. Without a budget the first tick (or subscribe) that asks the
 * rule about such a row never returns.
 */
export const trap = { on: false };
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
});
const put = schema.reducer('put', { id: t.u32(), loop: t.bool() }, (ctx, a) => {
  ctx.db.secret.insert({ id: a.id, owner: ctx.sender, loop: a.loop });
});
const note = schema.reducer('note', { id: t.u32() }, (ctx, a) => {
  ctx.db.mine.insert({ id: a.id, owner: ctx.sender });
});
export const runaway = defineModule(schema, { reducers: [put, note] });
