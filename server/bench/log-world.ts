/**
 * A small module for the commit-log benchmarks: `unit` rows that a `move` reducer updates, a
 * `spawn` reducer that inserts and an `despawn` that deletes. Not a test fixture: sized knobs only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSchema, defineModule, t, table, toIdentity } from '../src/engine';

export const schema = createSchema({
  unit: table(
    { public: true, spatial: { x: 'x', y: 'y', cellSize: 16 } },
    {
      id: t.u32().primaryKey(),
      owner: t.identity(),
      name: t.string(),
      x: t.f32(),
      y: t.f32(),
      hp: t.u16(),
      gold: t.i64(),
    },
  ),
});

export const move = schema.reducer(
  'move',
  { id: t.u32(), dx: t.f32(), dy: t.f32() },
  (ctx, { id, dx, dy }) => {
    const u = ctx.db.unit.find(id);
    if (u !== undefined)
      ctx.db.unit.update({ ...u, x: u.x + dx, y: u.y + dy, hp: (u.hp + 1) % 1000, gold: u.gold + 1n });
  },
);

export const spawn = schema.reducer('spawn', { id: t.u32(), count: t.u32() }, (ctx, { id, count }) => {
  for (let i = 0; i < count; i++)
    ctx.db.unit.insert({
      id: id + i,
      owner: ctx.sender,
      name: `unit-${id + i}`,
      x: (id + i) % 1000,
      y: Math.floor((id + i) / 1000),
      hp: 100,
      gold: 0n,
    });
});

export const world = defineModule(schema, { reducers: [move, spawn] });

export const players = Array.from({ length: 64 }, (_, i) =>
  toIdentity(i.toString(16).padStart(32, '0').replace(/^0/, 'f')),
);

/** A fresh temporary directory (the caller removes it). */
export function benchDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tickspace-bench-${name}-`));
}

/** Directory size in bytes (files directly inside `dir` and one level below). */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/** Deterministic pseudo-random integers for workloads. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}
