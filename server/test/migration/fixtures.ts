import { createSchema, defineModule, t, table } from '../../src/engine';

/** Version 1 of a small game: players with a name and hit points. */
const v1Tables = {
  player: table({ public: true }, { id: t.u32().primaryKey().autoInc(), name: t.string(), hp: t.u16() }),
  note: table({ public: true }, { id: t.u32().primaryKey(), text: t.string() }),
};
const s1 = createSchema(v1Tables);
export const gameV1 = defineModule(s1, {
  reducers: [
    s1.reducer('join', { name: t.string() }, (ctx, { name }) => {
      ctx.db.player.insert({ name, hp: 100 });
    }),
    s1.reducer('hurt', { id: t.u32(), by: t.u16() }, (ctx, { id, by }) => {
      const p = ctx.db.player.find(id);
      if (p !== undefined) ctx.db.player.update({ ...p, hp: Math.max(0, p.hp - by) });
    }),
    s1.reducer('note', { id: t.u32(), text: t.string() }, (ctx, { id, text }) => {
      ctx.db.note.insert({ id, text });
    }),
    s1.reducer('leave', { id: t.u32() }, (ctx, { id }) => {
      ctx.db.player.delete(id);
    }),
  ] as const,
});

/** Version 2, additive: an appended column with a default, a new table, index and reducer. */
const v2Tables = {
  player: table(
    { public: true, indexes: [{ name: 'byLevel', columns: ['level'] }] },
    {
      id: t.u32().primaryKey().autoInc(),
      name: t.string(),
      hp: t.u16(),
      level: t.u8().default(1),
      title: t.optional(t.string()),
    },
  ),
  // Declared before `note`: table ids shift between versions, names do not.
  guild: table({ public: true }, { id: t.u32().primaryKey(), name: t.string() }),
  note: table({ public: true }, { id: t.u32().primaryKey(), text: t.string() }),
};
const s2 = createSchema(v2Tables);
export const gameV2 = defineModule(s2, {
  reducers: [
    s2.reducer('join', { name: t.string() }, (ctx, { name }) => {
      ctx.db.player.insert({ name, hp: 100, level: 1 });
    }),
    s2.reducer('hurt', { id: t.u32(), by: t.u16() }, (ctx, { id, by }) => {
      const p = ctx.db.player.find(id);
      if (p !== undefined) ctx.db.player.update({ ...p, hp: Math.max(0, p.hp - by) });
    }),
    s2.reducer('note', { id: t.u32(), text: t.string() }, (ctx, { id, text }) => {
      ctx.db.note.insert({ id, text });
    }),
    s2.reducer('levelUp', { id: t.u32() }, (ctx, { id }) => {
      const p = ctx.db.player.find(id);
      if (p !== undefined) ctx.db.player.update({ ...p, level: p.level + 1 });
    }),
    s2.reducer('found', { id: t.u32(), name: t.string() }, (ctx, { id, name }) => {
      ctx.db.guild.insert({ id, name });
    }),
  ] as const,
});

/** Version 3 tables, breaking: hp widens to u32 and `name` is renamed `nick`. */
const v3Tables = {
  player: table(
    { public: true, indexes: [{ name: 'byLevel', columns: ['level'] }] },
    {
      id: t.u32().primaryKey().autoInc(),
      nick: t.string(),
      hp: t.u32(),
      level: t.u8().default(1),
      title: t.optional(t.string()),
    },
  ),
  note: table({ public: true }, { id: t.u32().primaryKey(), text: t.string() }),
  guild: table({ public: true }, { id: t.u32().primaryKey(), name: t.string() }),
};
const s3 = createSchema(v3Tables);
const v3Reducers = [
  s3.reducer('hurt', { id: t.u32(), by: t.u32() }, (ctx, { id, by }) => {
    const p = ctx.db.player.find(id);
    if (p !== undefined) ctx.db.player.update({ ...p, hp: Math.max(0, p.hp - by) });
  }),
] as const;

/** Version 3 without a migration: refused. */
export const gameV3Undeclared = defineModule(s3, { reducers: v3Reducers });

/** Version 3 with a migration that converts the renamed column and the wider type. */
export const gameV3 = defineModule(s3, {
  reducers: v3Reducers,
  version: 3,
  migrations: {
    3: (m) => m.table('player', (old, row) => ({ ...row, nick: String(old.name), hp: Number(old.hp) * 10 })),
  },
});

/** Version 3 whose migration throws on one row. */
export const gameV3Throws = defineModule(s3, {
  reducers: v3Reducers,
  migrations: {
    3: (m) =>
      m.table('player', (old, row) => {
        if (old.name === 'bob') throw new Error('bob cannot be converted');
        return { ...row, nick: String(old.name) };
      }),
  },
});

/** Version 3 whose migration produces a row that does not fit (a duplicate key). */
export const gameV3BadRows = defineModule(s3, {
  reducers: v3Reducers,
  migrations: {
    3: (m) =>
      m.table('player', (old, row) => ({ ...row, id: 1, nick: String(old.name), hp: Number(old.hp) })),
  },
});
