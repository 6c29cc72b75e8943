import {
  createSchema,
  defineModule,
  ReducerError,
  t,
  table,
  toIdentity,
  type Identity,
} from '../../src/engine';

/** A small spatial world for subscription tests: entities on a grid, private notes, owned items. */
const schema = createSchema({
  entity: table(
    {
      public: true,
      spatial: { x: 'x', y: 'y', cellSize: 10 },
      indexes: [
        { name: 'team', columns: ['team'], kind: 'hash' },
        { name: 'hp', columns: ['hp'], kind: 'btree' },
      ],
    },
    { id: t.u32().primaryKey(), team: t.u8(), x: t.f32(), y: t.f32(), hp: t.u16(), name: t.string() },
  ),
  note: table({ public: false }, { id: t.u32().primaryKey(), text: t.string() }),
  item: table(
    // Declared visibility: the subscriptions route a change to the owner's queries alone
    // (marker below keeps a rule function, so both forms meet the model).
    { public: true, visibility: { to: ['owner'] } },
    { id: t.u32().primaryKey(), owner: t.identity().index('hash'), qty: t.u16().index('btree') },
  ),
  marker: table(
    {
      public: true,
      spatial: { x: 'x', y: 'y', cellSize: 10 },
      visibility: (row, viewer) => row.hidden === false || row.owner === viewer,
    },
    { id: t.u32().primaryKey(), owner: t.identity(), hidden: t.bool(), x: t.i32(), y: t.i32() },
  ),
});

const spawn = schema.reducer('spawn', { id: t.u32(), team: t.u8(), x: t.f32(), y: t.f32() }, (ctx, a) => {
  if (ctx.db.entity.has(a.id)) throw new ReducerError('EXISTS', `entity ${a.id} exists`);
  ctx.db.entity.insert({ ...a, hp: 100, name: `e${a.id}` });
});
const move = schema.reducer('move', { id: t.u32(), x: t.f32(), y: t.f32() }, (ctx, a) => {
  const e = ctx.db.entity.find(a.id);
  if (e === undefined) throw new ReducerError('NO_ENTITY', `no entity ${a.id}`);
  ctx.db.entity.update({ ...e, x: a.x, y: a.y });
});
const hurt = schema.reducer('hurt', { id: t.u32(), by: t.u16() }, (ctx, a) => {
  const e = ctx.db.entity.find(a.id);
  if (e === undefined) throw new ReducerError('NO_ENTITY', `no entity ${a.id}`);
  ctx.db.entity.update({ ...e, hp: Math.max(0, e.hp - a.by) });
});
const setTeam = schema.reducer('setTeam', { id: t.u32(), team: t.u8() }, (ctx, a) => {
  const e = ctx.db.entity.find(a.id);
  if (e !== undefined) ctx.db.entity.update({ ...e, team: a.team });
});
const remove = schema.reducer('remove', { id: t.u32() }, (ctx, a) => {
  ctx.db.entity.delete(a.id);
});
const give = schema.reducer(
  'give',
  { id: t.u32(), owner: t.identity(), qty: t.u16().index('btree') },
  (ctx, a) => {
    if (ctx.db.item.has(a.id)) ctx.db.item.update(a);
    else ctx.db.item.insert(a);
  },
);
const mark = schema.reducer('mark', { id: t.u32(), hidden: t.bool(), x: t.i32(), y: t.i32() }, (ctx, a) => {
  const row = { ...a, owner: ctx.sender };
  if (ctx.db.marker.has(a.id)) ctx.db.marker.update(row);
  else ctx.db.marker.insert(row);
});
const writeNote = schema.reducer('writeNote', { id: t.u32(), text: t.string() }, (ctx, a) => {
  if (ctx.db.note.has(a.id)) ctx.db.note.update(a);
  else ctx.db.note.insert(a);
});
const secretOp = schema.reducer('secretOp', {}, () => {}, { internal: true });

export const world = defineModule(schema, {
  reducers: [spawn, move, hurt, setTeam, remove, give, mark, writeNote, secretOp],
});

export const viewers: Identity[] = ['1', '2', '3', '4'].map((c) => toIdentity(c.repeat(32)));
