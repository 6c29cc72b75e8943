import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine';
import { openDatabase } from '../../src/engine/tooling';
import { createFrontier } from '../../src/world';
import { drive, type FrontierEngine } from './drive';
import { SMALL } from './helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('determinism', () => {
  it('same seed and calls give the same state hash every tick, across separately created modules', async () => {
    const a = createEngine({
      module: (await createFrontier(SMALL)).module,
      seed: 's',
      tickMs: 50,
    }) as FrontierEngine;
    const b = createEngine({
      module: (await createFrontier(SMALL)).module,
      seed: 's',
      tickMs: 50,
    }) as FrontierEngine;
    const ha = drive(a, 12, 120);
    const hb = drive(b, 12, 120);
    expect(hb).toEqual(ha);
    expect(new Set(ha).size).toBeGreaterThan(100);
    // The script did exercise the game.
    expect(a.db.player.count()).toBe(12);
    expect(a.db.inventory.count()).toBeGreaterThan(0);
  });

  it('a different world seed gives a different world', async () => {
    const a = createEngine({
      module: (await createFrontier(SMALL)).module,
      seed: 's',
      tickMs: 50,
    }) as FrontierEngine;
    const b = createEngine({
      module: (await createFrontier({ ...SMALL, seed: 'other' })).module,
      seed: 's',
      tickMs: 50,
    }) as FrontierEngine;
    a.runTick();
    b.runTick();
    // The spawn area is forced to the start biome in every world; chunks further out differ.
    const edge = 10 * 16 + 10;
    expect(a.db.terrain_chunk.find(edge)!.tiles).not.toEqual(b.db.terrain_chunk.find(edge)!.tiles);
    expect(a.db.terrain_chunk.find(8 * 16 + 8)!.tiles).toEqual(b.db.terrain_chunk.find(8 * 16 + 8)!.tiles);
    expect(a.stateHash).not.toBe(b.stateHash);
  });

  it('the physics cache is only a cache: flushing or evicting it never changes the outcome', async () => {
    const frontier = await createFrontier(SMALL);
    const tiny = await createFrontier({ ...SMALL, maxPhysicsChunks: 1 });
    const live = createEngine({ module: frontier.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const flushed = createEngine({ module: frontier.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const evicting = createEngine({ module: tiny.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const hl: string[] = [];
    const hf: string[] = [];
    const he: string[] = [];
    for (let i = 0; i < 16; i++) {
      hl.push(...drive(live, 10, 10));
      frontier.physics(flushed).clear();
      hf.push(...drive(flushed, 10, 10));
      he.push(...drive(evicting, 10, 10));
    }
    expect(hf).toEqual(hl);
    expect(he).toEqual(hl);
    expect(frontier.physicsStats(live).rapierMoves).toBeGreaterThan(0);
    expect(frontier.physicsStats(flushed).invalidations).toBeGreaterThan(0);
  });

  it('the open-ground prefilter gives exactly what rapier gives for every move', async () => {
    const filtered = await createFrontier(SMALL);
    const allRapier = await createFrontier({ ...SMALL, physicsPrefilter: false });
    const a = createEngine({ module: filtered.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const b = createEngine({ module: allRapier.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    expect(drive(b, 12, 150)).toEqual(drive(a, 12, 150));
    expect(filtered.physicsStats(a).freeMoves).toBeGreaterThan(500);
    expect(allRapier.physicsStats(b).freeMoves).toBe(0);
  });

  it('replays from the commit log, from the start and from a mid-run snapshot, and after a rewind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontier-log-'));
    dirs.push(dir);
    const frontier = await createFrontier(SMALL);
    const quiet = { error: () => {}, warn: () => {} };
    const db = await openDatabase({
      dir,
      module: frontier.module,
      seed: 's',
      tickMs: 50,
      durability: 'never',
      snapshotEveryTicks: 0,
      snapshotEveryBytes: 0,
      logger: quiet,
    });
    const engine = db.engine as unknown as FrontierEngine;
    drive(engine, 10, 80, 'one');
    await engine.flush();
    await db.snapshot();
    drive(engine, 10, 80, 'two');
    await engine.flush();
    // Back to tick 100, a new transaction; then play on from there (a different branch).
    const rewind = await db.prepareRewind(100);
    const done = rewind.enqueue();
    engine.runTick();
    await done;
    drive(engine, 10, 60, 'three');
    await engine.flush();
    const last = engine.tick;
    const full = await db.replay();
    expect(full.divergence?.message).toBeUndefined();
    expect(full).toMatchObject({ ok: true, verifiedTicks: last });
    // From the snapshot: a fresh engine with a cold physics cache, restored mid-run.
    const fromSnapshot = await db.replay(90, last);
    expect(fromSnapshot.divergence?.message).toBeUndefined();
    expect(fromSnapshot.ok).toBe(true);
    const afterRewind = await db.replay(170, last);
    expect(afterRewind.ok).toBe(true);
    await db.close();
  });
});
