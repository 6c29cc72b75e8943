/**
 * Child process for rapier-lockdown.test.ts: builds many rapier worlds (enough to grow the WASM
 * memory several times) and walks a character controller through each, twice, in a process that
 * is `unlocked`, locked down by `ensureLockdown` (`ours`), or locked down by plain ses without the
 * `detached` getter (`plain`). Prints the positions as JSON and whether the two runs agreed.
 */
import { ensureLockdown } from '../../src/engine/sandbox/lockdown';
import { RAPIER as R, initRapier } from '../../src/world/physics';

const mode = process.argv[2];
const WORLDS = 60;
const COLLIDERS = 400;

function scenario(): number[] {
  const out: number[] = [];
  const worlds: InstanceType<typeof R.World>[] = [];
  for (let k = 0; k < WORLDS; k++) {
    const world = new R.World({ x: 0, y: 0 });
    const probe = world.createCollider(R.ColliderDesc.ball(0.4));
    for (let i = 0; i < COLLIDERS; i++)
      world.createCollider(
        R.ColliderDesc.cuboid(0.5, 0.5).setTranslation((i % 20) * 1.3, 2 + Math.floor(i / 20) * 1.7),
      );
    world.step();
    const controller = world.createCharacterController(0.02);
    controller.setSlideEnabled(true);
    let x = 0.3 + k * 0.01;
    let y = 0;
    for (let s = 0; s < 20; s++) {
      probe.setTranslation({ x, y });
      controller.computeColliderMovement(probe, { x: 0.13, y: 0.37 });
      const m = controller.computedMovement();
      x += m.x;
      y += m.y;
    }
    out.push(x, y);
    worlds.push(world);
  }
  for (const w of worlds) w.free();
  return out;
}

if (mode === 'ours') await ensureLockdown();
if (mode === 'plain') {
  await import('ses');
  lockdown({
    errorTaming: 'unsafe',
    overrideTaming: 'severe',
    consoleTaming: 'unsafe',
    domainTaming: 'unsafe',
  });
}
await initRapier();
const locked = Object.isFrozen(Array.prototype);
try {
  const first = scenario();
  const second = scenario();
  process.stdout.write(
    JSON.stringify({ locked, same: JSON.stringify(first) === JSON.stringify(second), first }),
  );
} catch (error) {
  // The message, not the object: a locked-down process's uncaught report hides it.
  process.stderr.write(`scenario failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
