import seedrandom from 'seedrandom';
import { snapPosition, type MovementScenario } from './scenario';

/**
 * The walk every bot follows, on both targets: keep a heading, turn a little now and then, and
 * head back inwards near the border. Seeded per bot, so two runs send the same steps. Steps are
 * whole multiples of the scenario's position unit.
 */
export interface Walker {
  /** The next step from the bot's last known position (undefined until the server has placed it). */
  next(x: number | undefined, y: number | undefined): { dx: number; dy: number };
}

/** Chance per step of a random turn. */
const TURN_CHANCE = 0.1;

/**
 * Creates the walker of bot number `index`.
 * @example
 * const walk = createWalker(scenario, 7);
 * const { dx, dy } = walk.next(120, 40);
 */
export function createWalker(scenario: MovementScenario, index: number): Walker {
  const rng = seedrandom.alea(`${scenario.seed}/walk/${index}`);
  let heading = rng() * Math.PI * 2;
  const step = scenario.speed / scenario.inputHz;
  const margin = step * 2;
  const size = scenario.worldSize;
  const unit = scenario.positionUnit;
  return {
    next(x, y) {
      if (rng() < TURN_CHANCE) heading += (rng() - 0.5) * Math.PI;
      if (
        x !== undefined &&
        y !== undefined &&
        (x < margin || y < margin || x > size - margin || y > size - margin)
      )
        heading = Math.atan2(size / 2 - y, size / 2 - x) + (rng() - 0.5) * 0.5;
      // Whole grid units, rounded towards zero so the step stays within the speed limit: from a
      // grid position it lands on one, however each server stores positions (see applyStep).
      return {
        dx: Math.trunc((Math.cos(heading) * step) / unit) * unit,
        dy: Math.trunc((Math.sin(heading) * step) / unit) * unit,
      };
    },
  };
}

/** Spawn position of an entity: uniform over the world, from the scenario seed and a spawn counter. */
export function spawnPosition(scenario: MovementScenario, spawnIndex: number): { x: number; y: number } {
  const rng = seedrandom.alea(`${scenario.seed}/spawn/${spawnIndex}`);
  return {
    x: snapPosition(scenario, rng() * scenario.worldSize),
    y: snapPosition(scenario, rng() * scenario.worldSize),
  };
}
