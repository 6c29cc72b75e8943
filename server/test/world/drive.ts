import seedrandom from 'seedrandom';
import type { Engine, Identity } from '../../src/engine';
import type { Frontier } from '../../src/world';
import { who } from './helpers';

export type FrontierEngine = Engine<Frontier['module']>;

/**
 * A deterministic script of play for `players` players: join, then every few ticks each player
 * picks a new direction, sometimes gathers the nearest node, crafts rope, places a wall ahead of
 * itself or chats. Calls are drawn from a PRNG seeded by `script` and the tick, and read only the
 * engine's state, so two engines in the same state receive the same calls.
 */
export function drive(engine: FrontierEngine, players: number, ticks: number, script = 'script'): string[] {
  const hashes: string[] = [];
  const ids: Identity[] = Array.from({ length: players }, (_, i) => who(100 + i));
  for (let i = 0; i < ticks; i++) {
    const tick = engine.tick + 1;
    const rng = seedrandom.alea(`${script}/${tick}`);
    if (tick === 2)
      for (const [k, id] of ids.entries()) {
        engine.connect(id);
        engine.enqueue(id, 'join', { name: `bot${k}` });
      }
    if (tick > 2)
      for (const id of ids) {
        const p = engine.db.avatar.find(id);
        if (p === undefined) continue;
        const roll = rng();
        if (roll < 0.15) {
          const a = rng() * Math.PI * 2;
          engine.enqueue(id, 'move', {
            dx: Math.fround(Math.cos(a) * 0.99),
            dy: Math.fround(Math.sin(a) * 0.99),
          });
        } else if (roll < 0.2) {
          const node = engine.db.resource_node.withinRadius(p.x, p.y, 2.5)[0];
          if (node !== undefined) engine.enqueue(id, 'gather', { nodeId: node.id });
        } else if (roll < 0.22) engine.enqueue(id, 'craft', { recipeId: 'rope' });
        else if (roll < 0.24)
          engine.enqueue(id, 'place_building', {
            kind: 'flower_bed',
            x: Math.floor(p.x + 2),
            y: Math.floor(p.y),
          });
        else if (roll < 0.245) engine.enqueue(id, 'say', { channel: 'local', text: `tick ${tick}` });
        else if (roll < 0.25) engine.enqueue(id, 'move', { dx: 0, dy: 0 });
      }
    if (tick === 40) engine.disconnect(ids[0]!);
    if (tick === 60) engine.connect(ids[0]!);
    hashes.push(engine.runTick().stateHash);
  }
  return hashes;
}
