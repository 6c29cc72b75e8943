import seedrandom from 'seedrandom';
import { createSchema, defineModule, t, table, toIdentity, type Engine } from '../src/engine';

/**
 * A benchmark world: entities that random-walk in a square, one table with f32 positions and one
 * with the same motion in i32 fixed point (1/100 unit), so the two encodings can be compared.
 */
const schema = createSchema({
  mover: table(
    { public: true, spatial: { x: 'x', y: 'y', cellSize: 32 } },
    { id: t.u32().primaryKey(), kind: t.u8(), hp: t.u16(), x: t.f32(), y: t.f32() },
  ),
  moverFixed: table(
    { public: true, spatial: { x: 'x', y: 'y', cellSize: 3200 } },
    { id: t.u32().primaryKey(), kind: t.u8(), hp: t.u16(), x: t.i32(), y: t.i32() },
  ),
});

interface Walker {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

export const SERVER = toIdentity('7'.repeat(32));

/** Builds the module for `count` entities in a `side` x `side` square moving `speed` units per tick (at most). */
export function benchWorld(count: number, side: number, speed: number, seed = 'bench') {
  const rng = seedrandom.alea(seed);
  const walkers: Walker[] = [];
  for (let i = 0; i < count; i++) {
    const a = rng() * Math.PI * 2;
    const v = speed * (0.4 + 0.6 * rng());
    walkers.push({ x: rng() * side, y: rng() * side, vx: Math.cos(a) * v, vy: Math.sin(a) * v });
  }
  const spawn = schema.reducer('spawn', {}, (ctx) => {
    walkers.forEach((w, id) => {
      ctx.db.mover.insert({ id, kind: id % 4, hp: 100, x: w.x, y: w.y });
      ctx.db.moverFixed.insert({
        id,
        kind: id % 4,
        hp: 100,
        x: Math.round(w.x * 100),
        y: Math.round(w.y * 100),
      });
    });
  });
  const step = schema.reducer('step', { fixed: t.bool(), float: t.bool() }, (ctx, { fixed, float }) => {
    for (let id = 0; id < walkers.length; id++) {
      const w = walkers[id]!;
      // Turn a little now and then, bounce off the walls: motion like players walking around.
      if (ctx.rng() < 0.05) {
        const a = Math.atan2(w.vy, w.vx) + (ctx.rng() - 0.5);
        const v = Math.hypot(w.vx, w.vy);
        w.vx = Math.cos(a) * v;
        w.vy = Math.sin(a) * v;
      }
      if (w.x + w.vx < 0 || w.x + w.vx >= side) w.vx = -w.vx;
      if (w.y + w.vy < 0 || w.y + w.vy >= side) w.vy = -w.vy;
      w.x += w.vx;
      w.y += w.vy;
      if (float) ctx.db.mover.update({ id, kind: id % 4, hp: 100, x: w.x, y: w.y });
      if (fixed)
        ctx.db.moverFixed.update({
          id,
          kind: id % 4,
          hp: 100,
          x: Math.round(w.x * 100),
          y: Math.round(w.y * 100),
        });
    }
  });
  const module = defineModule(schema, { reducers: [spawn, step] });
  return { module, walkers };
}

/** Spawns the world's entities (tick 1). */
export function populate(engine: Engine<ReturnType<typeof benchWorld>['module']>): void {
  engine.enqueue(SERVER, 'spawn', {});
  engine.runTick();
}
