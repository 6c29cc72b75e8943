import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type TickRecord } from '../../src/engine';
import { openDatabase } from '../../src/engine/tooling';
import { SCHEDULE_TABLE } from '../../src/engine/system-tables';
import { createFrontier, PHYSICS_STEP, type Frontier } from '../../src/world';
import type { StepClock } from '../../src/world/runtime';
import { makeWorld, SMALL, type FrontierEngine, type World } from './helpers';

/**
 * Physics steps by a repeating schedule: a step that fails (a budget abort or an error) rolls back
 * only itself, and the next tick steps again. It used to be a one-shot that rescheduled itself,
 * and a failed step rolled the reschedule back with it, stopping physics for good.
 *
 * The failure is real: the step reads the host's step clock (for its timings), and this clock,
 * when told, spins inside the step until the engine's budget stops it, or throws.
 */
class FaultyClock implements StepClock {
  next: 'spin' | 'throw' | undefined;
  wallMs(): number {
    const fault = this.next;
    this.next = undefined;
    if (fault === 'spin') for (;;);
    if (fault === 'throw') throw new Error('step clock failed on purpose');
    return 0;
  }
  cpuMs(): number {
    return 0;
  }
}

const quiet = { error: () => {}, warn: () => {} };
const clock = new FaultyClock();
let frontier: Frontier;
beforeAll(async () => {
  frontier = await createFrontier({ ...SMALL, clock });
});

function world(): World {
  const engine = createEngine({
    module: frontier.module,
    seed: 'physics-schedule',
    tickMs: 50,
    tickBudgetMs: 100,
    logger: quiet,
  }) as FrontierEngine;
  engine.runTick();
  return makeWorld(frontier, engine);
}

/** A player in the open, walking east. */
function walker(w: World) {
  const id = w.join(1);
  const site = w.freeSite(w.player(id).x, w.player(id).y, 8, 1);
  w.teleport(id, site.x + 0.5, site.y + 0.5);
  w.ok(id, 'move', { dx: 1, dy: 0 });
  return id;
}

const physicsRows = (w: World) =>
  w.engine.tables[SCHEDULE_TABLE]!.iter().filter((r) => r.reducer === PHYSICS_STEP);

/** What a world begun on an earlier version left in its schedule table: a one-shot step for the next tick. */
function oldOneShot(w: World): void {
  w.system((ctx) => {
    for (const row of physicsRows(w)) ctx.cancelSchedule(row.id as number);
    ctx.schedule(PHYSICS_STEP, {}, { atTick: ctx.tick + 1 });
  });
}

const stepOutcome = (record: TickRecord) => record.calls.find((c) => c.reducer === PHYSICS_STEP)?.result;

describe('the physics schedule', () => {
  it('a new world steps by one repeating schedule of one tick', () => {
    const w = world();
    expect(physicsRows(w).map((r) => r.everyMs)).toEqual([50]);
  });

  it.each([
    ['spin', 'BUDGET_EXCEEDED'],
    ['throw', 'INTERNAL'],
  ] as const)(
    'a step that fails (%s -> %s) rolls back only itself: the next tick steps again',
    (fault, code) => {
      const w = world();
      const id = walker(w);
      const x0 = w.player(id).x;
      clock.next = fault;
      const failed = w.engine.runTick();
      expect(stepOutcome(failed)).toMatchObject({ ok: false, code });
      expect(w.player(id).x).toBe(x0);
      const stepped = w.engine.runTick();
      expect(stepOutcome(stepped)).toEqual({ ok: true });
      expect(w.player(id).x).toBeGreaterThan(x0);
      const x1 = w.player(id).x;
      w.ticks(3);
      expect(w.player(id).x).toBeGreaterThan(x1);
      expect(physicsRows(w)).toHaveLength(1);
    },
  );

  it('a world that takes this version without a restart is converted by its first step, which does nothing else', () => {
    const w = world();
    const id = walker(w);
    oldOneShot(w);
    expect(physicsRows(w).map((r) => r.everyMs)).toEqual([0]);
    const x0 = w.player(id).x;
    // A fault armed for the converting step never reaches it: that call only converts.
    clock.next = 'spin';
    expect(stepOutcome(w.engine.runTick())).toEqual({ ok: true });
    expect(w.player(id).x).toBe(x0);
    expect(physicsRows(w).map((r) => r.everyMs)).toEqual([50]);
    // Converted: the next step fails and rolls back only itself; the walker then walks on.
    expect(stepOutcome(w.engine.runTick())).toMatchObject({ ok: false, code: 'BUDGET_EXCEEDED' });
    w.ticks(2);
    expect(w.player(id).x).toBeGreaterThan(x0);
    expect(physicsRows(w).map((r) => r.everyMs)).toEqual([50]);
  });

  it('a repeating row of another period (a world restarted with another tickMs) is replaced by one of a tick', () => {
    const w = world();
    walker(w);
    w.system((ctx) => {
      for (const row of physicsRows(w)) ctx.cancelSchedule(row.id as number);
      ctx.schedule(PHYSICS_STEP, {}, { atTick: ctx.tick + 1, everyMs: 100 });
    });
    w.ticks(4);
    expect(physicsRows(w).map((r) => r.everyMs)).toEqual([50]);
  });

  it("a start converts an old world's one-shot before any step: a first step that fails leaves physics running", () => {
    const w = world();
    const id = walker(w);
    oldOneShot(w);
    // The first step after the start fails, as the converting step inside the step did for good.
    clock.next = 'spin';
    w.engine.serverStarted();
    const started = w.engine.runTick();
    expect(physicsRows(w).map((r) => r.everyMs)).toEqual([50]);
    expect(stepOutcome(started)).toBeUndefined();
    // serverStarted stopped the walker (no client is connected): walking again, that tick's step fails.
    const failed = w.ok(id, 'move', { dx: 1, dy: 0 });
    expect(stepOutcome(failed)).toMatchObject({ ok: false, code: 'BUDGET_EXCEEDED' });
    const x0 = w.player(id).x;
    w.ticks(3);
    expect(w.player(id).x).toBeGreaterThan(x0);
    expect(physicsRows(w).map((r) => r.everyMs)).toEqual([50]);
  });

  it('a world whose physics stopped (no schedule left) steps again after a start', () => {
    const w = world();
    const id = walker(w);
    w.system((ctx) => {
      for (const row of physicsRows(w)) ctx.cancelSchedule(row.id as number);
    });
    const x0 = w.player(id).x;
    w.ticks(2);
    expect(w.player(id).x).toBe(x0);
    w.engine.serverStarted();
    w.engine.runTick();
    w.ok(id, 'move', { dx: 1, dy: 0 });
    w.ticks(2);
    expect(w.player(id).x).toBeGreaterThan(x0);
    expect(physicsRows(w).map((r) => r.everyMs)).toEqual([50]);
  });
});

describe('the physics schedule in a data directory', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  const open = (dir: string) =>
    openDatabase({
      dir,
      module: frontier.module,
      seed: 'physics-schedule',
      tickMs: 50,
      tickBudgetMs: 100,
      durability: 'never',
      snapshotEveryTicks: 0,
      snapshotEveryBytes: 0,
      logger: quiet,
    });

  it('a restart converts an old one-shot, its first step fails, physics goes on, and replay from tick 1 passes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'physics-schedule-'));
    dirs.push(dir);
    const first = await open(dir);
    const before = makeWorld(frontier, first.engine as FrontierEngine);
    before.engine.runTick();
    const id = walker(before);
    oldOneShot(before);
    await first.close();

    const again = await open(dir);
    const w = makeWorld(frontier, again.engine as FrontierEngine);
    expect(physicsRows(w).map((r) => r.everyMs)).toEqual([0]);
    clock.next = 'spin';
    w.engine.serverStarted();
    w.engine.runTick();
    const failed = w.ok(id, 'move', { dx: 1, dy: 0 });
    expect(stepOutcome(failed)).toMatchObject({ ok: false, code: 'BUDGET_EXCEEDED' });
    const x0 = w.player(id).x;
    w.ticks(4);
    expect(w.player(id).x).toBeGreaterThan(x0);
    await w.engine.flush();
    // Both runs: the conversion re-runs in the start's serverStarted, the abort is its logged outcome.
    const report = await again.replay(1, w.engine.tick);
    expect(report.divergence?.message).toBeUndefined();
    expect(report).toMatchObject({ ok: true, verifiedTicks: w.engine.tick });
    await again.close();
  });
});
