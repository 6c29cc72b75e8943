import { TickspaceError } from '@tickspace/server/protocol';

/**
 * The movement scenario both targets run: every client owns one entity in a square world,
 * walks it by sending a step at `inputHz`, and sees every entity within `aoiRadius` of its own.
 * Both servers get the same numbers, so their results compare at the same visible entity count.
 */
export interface MovementScenario {
  /** Side of the square world, in world units. */
  readonly worldSize: number;
  /** Area-of-interest radius around the client's own entity, world units. */
  readonly aoiRadius: number;
  /** Side of one spatial grid cell (server index and Colyseus' interest grid), world units. */
  readonly cellSize: number;
  /** Server tick (simulation and patch) period, ms. */
  readonly tickMs: number;
  /** Steps each client sends per second. */
  readonly inputHz: number;
  /** Walking speed, world units per second: each step is `speed / inputHz` long. */
  readonly speed: number;
  /**
   * Resolution of positions, world units: spawn points and every step land on multiples of it
   * on both servers, so Tickspace can store them as integers (fixed point) and Colyseus as
   * float32 and both still hold exactly the same positions.
   */
  readonly positionUnit: number;
  /** Seed for spawn positions and walks. */
  readonly seed: string;
  /**
   * Level of detail of each client's area of interest (Tickspace only): entities within `radius`
   * (world units) update every tick, the rest of the area every `every` ticks. Undefined: every
   * entity in view updates every tick.
   */
  readonly lod?: ScenarioLod;
}

/** A level of detail in world units: near radius and the outer band's interval in ticks. */
export interface ScenarioLod {
  readonly radius: number;
  readonly every: number;
}

/** The level of detail `--lod` gives without a value: 40 % of the radius near, the rest every 4th tick. */
export const DEFAULT_LOD = { radiusFraction: 0.4, every: 4 } as const;

/** Options for {@link createMovementScenario}. */
export interface MovementScenarioOptions {
  /** Expected number of clients: sizes the world when `worldSize` is not given. */
  readonly clients: number;
  /** Fixed world side; overrides `areaPerClient`. @default sqrt(clients * areaPerClient) */
  readonly worldSize?: number;
  /**
   * World area per client, so density (and the visible entity count) stays the same as N grows.
   * 1,000 square units with a radius of 100 puts about 31 entities in view.
   * @default 1000
   */
  readonly areaPerClient?: number;
  /** @default 100 */
  readonly aoiRadius?: number;
  /** @default aoiRadius */
  readonly cellSize?: number;
  /** @default 50 (20 Hz) */
  readonly tickMs?: number;
  /** @default 10 */
  readonly inputHz?: number;
  /** @default 40 */
  readonly speed?: number;
  /** @default 0.1 */
  readonly positionUnit?: number;
  /** @default 'loadtest' */
  readonly seed?: string;
  /** @default undefined (no level of detail) */
  readonly lod?: ScenarioLod;
}

/** Defaults of {@link MovementScenarioOptions}. */
const SCENARIO_DEFAULTS = {
  areaPerClient: 1000,
  aoiRadius: 100,
  tickMs: 50,
  inputHz: 10,
  speed: 40,
  positionUnit: 0.1,
  seed: 'loadtest',
} as const;

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `scenario option '${name}' must be a positive number, got ${value}`,
      { details: { option: name, value } },
    );
  return value;
}

/**
 * Builds a scenario, filling defaults.
 * @throws TickspaceError INVALID_ARGUMENT when a number is not positive.
 * @example
 * createMovementScenario({ clients: 2000 }).worldSize; // -> 1414.2...
 */
export function createMovementScenario(options: MovementScenarioOptions): MovementScenario {
  const clients = positive('clients', options.clients);
  const aoiRadius = positive('aoiRadius', options.aoiRadius ?? SCENARIO_DEFAULTS.aoiRadius);
  const area = positive('areaPerClient', options.areaPerClient ?? SCENARIO_DEFAULTS.areaPerClient);
  return {
    worldSize: positive('worldSize', options.worldSize ?? Math.max(aoiRadius, Math.sqrt(clients * area))),
    aoiRadius,
    cellSize: positive('cellSize', options.cellSize ?? aoiRadius),
    tickMs: positive('tickMs', options.tickMs ?? SCENARIO_DEFAULTS.tickMs),
    inputHz: positive('inputHz', options.inputHz ?? SCENARIO_DEFAULTS.inputHz),
    speed: positive('speed', options.speed ?? SCENARIO_DEFAULTS.speed),
    positionUnit: positive('positionUnit', options.positionUnit ?? SCENARIO_DEFAULTS.positionUnit),
    seed: options.seed ?? SCENARIO_DEFAULTS.seed,
    ...(options.lod === undefined ? {} : { lod: checkLod(options.lod, aoiRadius) }),
  };
}

/** The engine's own bound on `every` (its `maxLodEvery` default). */
const MAX_LOD_EVERY = 20;

function checkLod(lod: ScenarioLod, aoiRadius: number): ScenarioLod {
  if (!(Number.isFinite(lod.radius) && lod.radius > 0 && lod.radius < aoiRadius))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `scenario option 'lod.radius' must be above 0 and below the area-of-interest radius ${aoiRadius}, got ${lod.radius}`,
      { details: { option: 'lod.radius', value: lod.radius, aoiRadius } },
    );
  if (!(Number.isInteger(lod.every) && lod.every >= 2 && lod.every <= MAX_LOD_EVERY))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `scenario option 'lod.every' must be an integer from 2 to ${MAX_LOD_EVERY}, got ${lod.every}`,
      { details: { option: 'lod.every', value: lod.every } },
    );
  return { radius: lod.radius, every: lod.every };
}

/** Longest step a server accepts: one input's worth of walking, plus float slack. */
export function maxStep(scenario: MovementScenario): number {
  return (scenario.speed / scenario.inputHz) * 1.001;
}

/** A length or coordinate in world units as Tickspace's movement module stores it: a count of `positionUnit`. */
export function toFixed(scenario: MovementScenario, worldUnits: number): number {
  return Math.round(worldUnits / scenario.positionUnit);
}

/** The position grid point nearest to `v`, inside the world (`k * positionUnit`, k an integer). */
export function snapPosition(scenario: MovementScenario, v: number): number {
  const unit = scenario.positionUnit;
  const k = Math.min(Math.floor(scenario.worldSize / unit), Math.max(0, Math.round(v / unit)));
  return k * unit;
}

/**
 * Clamps a requested step to the scenario's speed and the world's bounds and puts the result on
 * the position grid: the one movement rule both servers apply, so a client cannot teleport on
 * either and both hold the same positions.
 */
export function applyStep(
  scenario: MovementScenario,
  x: number,
  y: number,
  dx: number,
  dy: number,
): { x: number; y: number } {
  // A non-finite step is no move, but the position still lands on the grid like every other.
  if (!Number.isFinite(dx) || !Number.isFinite(dy))
    return { x: snapPosition(scenario, x), y: snapPosition(scenario, y) };
  const length = Math.hypot(dx, dy);
  const limit = maxStep(scenario);
  if (length > limit) {
    dx = (dx / length) * limit;
    dy = (dy / length) * limit;
  }
  return { x: snapPosition(scenario, x + dx), y: snapPosition(scenario, y + dy) };
}
