import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine';
import { ensureLockdown } from '../../src/engine/sandbox/lockdown';
import { createFrontier } from '../../src/world';
import { drive, type FrontierEngine } from './drive';
import { SMALL } from './helpers';

// This file's worker is locked down (each vitest file runs in its own worker): Frontier's physics
// must give the same outcome here as anywhere, which needs the `detached` getter `ensureLockdown`
// installs before ses (see server/src/engine/sandbox/detached-getter.ts).
beforeAll(async () => {
  await ensureLockdown();
});

/** `ArrayBuffer.prototype.detached` (ES2024; this project's lib is older). */
function detached(buffer: ArrayBuffer): unknown {
  return (buffer as { detached?: unknown }).detached;
}

describe('Frontier after lockdown()', () => {
  it('tells a buffer detached by WASM memory growth from a live one', () => {
    expect(Object.isFrozen(Array.prototype)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const before = memory.buffer;
    memory.grow(1);
    expect(detached(before)).toBe(true);
    expect(detached(memory.buffer)).toBe(false);
    expect(detached(new ArrayBuffer(0))).toBe(false);
    expect(detached(new ArrayBuffer(8))).toBe(false);
    const moved = new ArrayBuffer(8);
    structuredClone(moved, { transfer: [moved] });
    expect(detached(moved)).toBe(true);
  });

  it('two worlds built in one locked-down process give the same state hash every tick', async () => {
    const a = createEngine({
      module: (await createFrontier(SMALL)).module,
      seed: 's',
      tickMs: 50,
    }) as FrontierEngine;
    const frontierB = await createFrontier(SMALL);
    const b = createEngine({ module: frontierB.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const ha = drive(a, 12, 120);
    const hb = drive(b, 12, 120);
    expect(hb).toEqual(ha);
    expect(new Set(ha).size).toBeGreaterThan(100);
    expect(frontierB.physicsStats(b).rapierMoves).toBeGreaterThan(0);
    expect(frontierB.physicsStats(b).worldBuilds).toBeGreaterThan(1);
  });

  it('flushing the physics cache (rebuilding every rapier world) never changes the outcome', async () => {
    const frontier = await createFrontier(SMALL);
    const live = createEngine({ module: frontier.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const flushed = createEngine({ module: frontier.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const hl: string[] = [];
    const hf: string[] = [];
    for (let i = 0; i < 12; i++) {
      hl.push(...drive(live, 10, 10));
      frontier.physics(flushed).clear();
      hf.push(...drive(flushed, 10, 10));
    }
    expect(hf).toEqual(hl);
    expect(frontier.physicsStats(flushed).invalidations).toBeGreaterThan(0);
  });
});
