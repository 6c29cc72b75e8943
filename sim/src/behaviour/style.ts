import type { Rng } from '../random';
import type { Goal, Situation } from './planner';

/** What a style knows when it decides. */
export interface StyleContext {
  /** Logical time, ms. */
  readonly nowMs: number;
  /** Play since the last break or session start, ms (fatigue and lapses grow with it). */
  readonly timeOnTaskMs: number;
}

/** A steering decision while walking. */
export interface SteerDecision {
  /** Heading to walk, radians. */
  readonly heading: number;
  /** Time until the next correction, ms. */
  readonly delayMs: number;
}

/** What the session policy says on a wake. */
export type SessionDecision =
  | { readonly kind: 'play' }
  | { readonly kind: 'break'; readonly ms: number }
  | { readonly kind: 'offline'; readonly ms: number };

/** How a trade opened by someone else is answered. */
export const TRADE_RESPONSE = { IGNORE: 'ignore', ACCEPT: 'accept', COUNTER: 'counter' } as const;
/** One of {@link TRADE_RESPONSE}. */
export type TradeResponse = (typeof TRADE_RESPONSE)[keyof typeof TRADE_RESPONSE];

/**
 * A behaviour style: everything that distinguishes a human from each bot tier, behind one
 * interface. The agent (goals, planning, walking, calls) is shared; only these decisions differ.
 */
export interface Style {
  /** Delay from an update to the call that answers it, ms. */
  reactionMs(c: StyleContext): number;
  /** Delay before a fresh decision (new goal, new target), ms. */
  thinkMs(c: StyleContext): number;
  /** A steering correction towards `desired` (radians), `distance` tiles away, reached in `arrivalMs` at full speed. */
  steer(desired: number, distance: number, arrivalMs: number, c: StyleContext): SteerDecision;
  /** Idle after finishing a goal, ms (0 for none). */
  idleMs(c: StyleContext): number;
  /** The next goal. */
  nextGoal(s: Situation, c: StyleContext): Goal;
  /** Which of the `count` nearest usable nodes to go for (0 = nearest). */
  pickNode(count: number): number;
  /** Whether this decision is a mistake (a call that will be rejected). */
  mistake(c: StyleContext): boolean;
  /** Sessions and breaks. */
  session(c: StyleContext): SessionDecision;
  /** Something to say now, given what was heard recently; undefined for nothing. */
  chat(c: StyleContext, heard: number): string | undefined;
  /** Whether to offer a trade to a nearby player now. */
  wantsTrade(c: StyleContext): boolean;
  /** How trades opened by others are answered. */
  readonly tradeResponse: TradeResponse;
  /** Heading for exploring when nothing useful is in sight, radians. */
  exploreHeading(previous: number, c: StyleContext): number;
  /** How far to explore in one leg, tiles. */
  exploreTiles(c: StyleContext): number;
  /** How far from the spawn point the player settles on its first session, tiles. */
  homeTiles(c: StyleContext): number;
  /** Whether the style stores surplus in its storage when the backpack fills. */
  readonly stores: boolean;
}

/** Goals humans pick from (varied, with prerequisites the planner resolves). */
export const HUMAN_GOALS: readonly Goal[] = [
  { kind: 'make', itemId: 'rope', target: 2 },
  { kind: 'make', itemId: 'flint_knife', target: 1 },
  { kind: 'make', itemId: 'wooden_shovel', target: 1 },
  { kind: 'make', itemId: 'stone_axe', target: 1 },
  { kind: 'make', itemId: 'stone_pickaxe', target: 1 },
  { kind: 'make', itemId: 'torch', target: 2 },
  { kind: 'make', itemId: 'plank', target: 4 },
  { kind: 'make', itemId: 'berry_jam', target: 1 },
  { kind: 'make', itemId: 'charcoal', target: 1 },
  { kind: 'make', itemId: 'brick', target: 2 },
  { kind: 'build', buildingKind: 'campfire' },
  { kind: 'build', buildingKind: 'workbench' },
  { kind: 'build', buildingKind: 'storage_chest' },
  { kind: 'build', buildingKind: 'flower_bed' },
  { kind: 'build', buildingKind: 'wooden_wall' },
  { kind: 'gather', itemId: 'berries', target: 6 },
  { kind: 'gather', itemId: 'stone', target: 8 },
  { kind: 'gather', itemId: 'stick', target: 6 },
  { kind: 'gather', itemId: 'fiber', target: 8 },
  { kind: 'gather', itemId: 'mushroom', target: 3 },
];

/** Goals a productivity-driven bot cycles through: the quickest items per minute near spawn. */
export const FARM_GOALS: readonly Goal[] = [
  { kind: 'gather', itemId: 'fiber', target: 12 },
  { kind: 'make', itemId: 'rope', target: 3 },
  { kind: 'gather', itemId: 'stone', target: 12 },
  { kind: 'gather', itemId: 'stick', target: 12 },
];

/** Phrases players say. */
export const PHRASES: readonly string[] = [
  'hi',
  'hello there',
  'anyone seen clay?',
  'nice base',
  'lol',
  'brb',
  'where are the trees',
  'need rope?',
  'trading sticks',
  'gg',
  'this spot is crowded',
  'ok',
  'thanks!',
  'anyone have a pickaxe',
  'heading north',
  'so many berries here',
];

/** A goal with its target raised by what the player already holds (targets are counts to reach). */
export function relativeGoal(goal: Goal, s: Situation): Goal {
  if (goal.kind === 'build') return goal;
  return { ...goal, target: s.count(goal.itemId) + goal.target };
}

/** Wraps an angle into (-pi, pi]. */
export function wrapAngle(a: number): number {
  while (a > Math.PI) a -= 2 * Math.PI;
  while (a <= -Math.PI) a += 2 * Math.PI;
  return a;
}

/** A uniform heading. */
export function randomHeading(rng: Rng): number {
  return rng.uniform(-Math.PI, Math.PI);
}
