import type { FrontierArgs, FrontierReducer } from '../world/rows';
import type { WorldView } from '../world/world-view';
import {
  buildingDisplayName,
  itemAmount,
  itemDisplayName,
  listPhrase,
  skillDisplayName,
  toolPhrase,
  withArticle,
} from '../world/words';
import { humanMessage } from './messages';

/**
 * What a refused call or a failed action was about, from the call's arguments or the action row:
 * the server's error travels as code and message only, and the message is written for developers
 * (ids, tiles, milliseconds), so the sentence is rebuilt from the content around the subject.
 */
export interface FailureSubject {
  readonly nodeId?: number;
  readonly recipeId?: string;
  readonly buildingKind?: string;
  readonly buildingId?: number;
  readonly itemId?: string;
  /** A trade partner's name, when the failure is about a trade. */
  readonly partner?: string;
}

/** What {@link failureSentence} reads. */
export interface FailureContext {
  readonly view: WorldView;
  /** The local identity (for skill levels). */
  readonly identity: string | undefined;
  /** The backpack's item counts (for "2 more Stone"). */
  readonly counts: ReadonlyMap<string, number>;
  readonly subject: FailureSubject;
}

type Sentence = (c: FailureContext, message: string) => string | undefined;

const resourceOf = (c: FailureContext) => {
  const node =
    c.subject.nodeId === undefined ? undefined : c.view.table('resource_node').find(c.subject.nodeId);
  return node === undefined ? undefined : c.view.table('resource_def').find(node.resourceId);
};

const recipeOf = (c: FailureContext) =>
  c.subject.recipeId === undefined ? undefined : c.view.table('recipe_def').find(c.subject.recipeId);

/** The name of the building a failure is about: the placed one's kind, or the kind being placed. */
const buildingNameOf = (c: FailureContext): string | undefined => {
  const placed =
    c.subject.buildingId === undefined ? undefined : c.view.table('building').find(c.subject.buildingId);
  const kind = placed?.buildingId ?? c.subject.buildingKind;
  return kind === undefined ? undefined : buildingDisplayName(c.view, kind);
};

/** What a recipe or building still lacks, as "2 Stone and 1 Rope". */
function lacking(
  c: FailureContext,
  needs: readonly { itemId: string; quantity: number }[],
): string | undefined {
  const parts = needs
    .map((n) => ({ ...n, short: n.quantity - (c.counts.get(n.itemId) ?? 0) }))
    .filter((n) => n.short > 0)
    .map((n) => itemAmount(c.view, n.itemId, n.short));
  return parts.length === 0 ? undefined : listPhrase(parts);
}

/**
 * Frontier's rule codes as sentences. A function returns undefined when it lacks what it needs
 * (then the server's message is shown as a sentence).
 */
const FRONTIER_SENTENCES: Readonly<Record<string, Sentence>> = {
  TOOL_REQUIRED: (c) => {
    const def = resourceOf(c);
    if (def === undefined || def.toolKind === '') return undefined;
    return `You need ${toolPhrase(def.toolKind, def.toolTier)} for ${withArticle(def.name)}.`;
  },
  INVENTORY_FULL: (c) => {
    const def = resourceOf(c);
    const item = c.subject.itemId ?? def?.itemId;
    return item === undefined
      ? 'Your backpack is full.'
      : `Your backpack is full: no room for ${itemAmount(c.view, item, def?.quantityPerGather ?? 1)}.`;
  },
  NODE_DEPLETED: (c) => {
    const def = resourceOf(c);
    return `${def === undefined ? 'This resource' : `The ${def.name}`} is used up; it grows back soon.`;
  },
  OUT_OF_REACH: (c) => {
    const name = resourceOf(c)?.name ?? buildingNameOf(c);
    return `${name === undefined ? 'That' : `The ${name}`} is out of reach; walk closer.`;
  },
  UNKNOWN_NODE: () => 'That resource is gone.',
  BUSY: () => 'You are busy; wait until you finish, or press Esc to stop.',
  NO_ACTION: () => 'You are not doing anything right now.',
  MISSING_ITEMS: (c, message) => {
    const recipe = recipeOf(c);
    if (recipe !== undefined) {
      const needs = c.view
        .table('recipe_input')
        .iter()
        .filter((i) => i.recipeId === recipe.id);
      const short = lacking(c, needs);
      if (short !== undefined) return `You need ${short} more for ${recipe.name}.`;
    }
    if (c.subject.buildingKind !== undefined) {
      const needs = c.view
        .table('building_cost')
        .iter()
        .filter((i) => i.buildingId === c.subject.buildingKind);
      const short = lacking(c, needs);
      if (short !== undefined)
        return `You need ${short} more for ${withArticle(buildingDisplayName(c.view, c.subject.buildingKind))}.`;
    }
    // Trades: the server names the player and the item already ("Bob no longer has 2 Rope").
    return humanMessage(message);
  },
  SKILL_TOO_LOW: (c) => {
    const recipe = recipeOf(c);
    if (recipe === undefined) return undefined;
    return `You need ${skillDisplayName(c.view, recipe.skill)} level ${recipe.level} for ${recipe.name}.`;
  },
  STATION_REQUIRED: (c) => {
    const recipe = recipeOf(c);
    if (recipe === undefined || recipe.station === '') return undefined;
    return `${recipe.name} needs ${withArticle(buildingDisplayName(c.view, recipe.station))} nearby; stand next to a finished one.`;
  },
  UNKNOWN_RECIPE: () => 'That recipe no longer exists.',
  UNKNOWN_ITEM: () => 'That item no longer exists.',
  UNKNOWN_BUILDING_KIND: () => 'That building no longer exists.',
  UNKNOWN_BUILDING: () => 'That building is gone.',
  OUT_OF_BOUNDS: () => 'That spot is outside the world.',
  BLOCKED: () => 'Something is in the way there: pick a clear spot.',
  NO_ACCESS: (c) => {
    const name = buildingNameOf(c);
    return `You may not use ${name === undefined ? 'that building' : `this ${name}`}; its owner can grant you access.`;
  },
  NOT_COMPLETE: (c) =>
    `${buildingNameOf(c) === undefined ? 'That building' : `The ${buildingNameOf(c)!}`} is not finished yet.`,
  ALREADY_COMPLETE: (c) =>
    `${buildingNameOf(c) === undefined ? 'That building' : `The ${buildingNameOf(c)!}`} is already finished.`,
  NOT_STORAGE: () => 'That building stores nothing.',
  STORAGE_NOT_EMPTY: () => 'Empty the storage before you take it down.',
  INVALID_SLOT: () => 'That slot does not exist.',
  EMPTY_SLOT: () => 'That slot is empty.',
  INVALID_QUANTITY: () => 'That is more than you have.',
  SELF_TARGET: () => 'You cannot do that with yourself.',
  TOO_FAR: (c, message) =>
    /offline/.test(message)
      ? `${c.subject.partner ?? 'That player'} is offline.`
      : `${c.subject.partner ?? 'That player'} is too far away; walk closer to trade.`,
  TRADE_EXISTS: (c) =>
    `You already have a trade open${c.subject.partner === undefined ? '' : ` with ${c.subject.partner}`}.`,
  UNKNOWN_TRADE: () => 'That trade is over.',
  TRADE_TOO_LARGE: () => 'A trade holds only a few kinds of item; take something off first.',
  TRADE_EMPTY: () => 'Put something in the trade before you accept.',
  NOT_INVITED: () => 'Only the invited player answers an invitation.',
  NOT_FOOD: () => 'You cannot eat that.',
  TOO_FULL: () => 'You are full: eat again once the last meal wears off a little.',
  UNKNOWN_PROJECT: () => 'That town project no longer exists.',
  PROJECT_COMPLETE: () => 'That town project is finished: every stage is built.',
  NOT_NEEDED: (c) =>
    c.subject.itemId === undefined
      ? 'The town project does not need that now.'
      : `The town project needs no more ${itemDisplayName(c.view, c.subject.itemId)} now.`,
  NOT_PLACEABLE: (c) => `${buildingNameOf(c) ?? 'That building'} is raised only by a town project.`,
  CHAT_EMPTY: () => 'Type something to say first.',
  CHAT_TOO_LONG: () => 'That message is too long; say it in shorter parts.',
  CHAT_RATE_LIMITED: () => 'You are talking too fast; wait a moment.',
  UNKNOWN_CHANNEL: () => 'That chat channel does not exist.',
  ALREADY_JOINED: () => 'You are already in the world.',
  NO_SPAWN_POINT: () => 'There is no free land to start on right now; try again in a moment.',
  UNKNOWN_PLAYER: (c) => `${c.subject.partner ?? 'That player'} is no longer in the world.`,
  NOT_JOINED: () => 'You have not joined the world yet; reload the page.',
  NAME_TAKEN: () => 'That name is taken; pick another.',
  INVALID_NAME: () => 'A name uses only letters, digits, _ and -.',
  INVALID_DIRECTION: () => 'The game sent a bad direction; reload the page.',
  INVALID_WALK_TARGET: () => 'That is too far to walk to in one go; click closer.',
  FORBIDDEN: () => 'Only the server may do that.',
};

/** Whether a code has a sentence of its own in the table (tests check every rule code has one). */
export function hasFailureSentence(code: string): boolean {
  return FRONTIER_SENTENCES[code] !== undefined;
}

/**
 * A game rule's refusal as players read it, from its code and what it was about; the server's
 * message (as a sentence) when the code is not in the table or the subject is unknown. Never a code.
 * @example
 * failureSentence('TOOL_REQUIRED', 'Oak Tree needs a axe of tier 1 or better', ctx); // -> 'You need an axe (tier 1) for an Oak Tree.'
 */
export function failureSentence(code: string, message: string, c: FailureContext): string {
  return FRONTIER_SENTENCES[code]?.(c, message) ?? humanMessage(message);
}

/** What a reducer call was about, from its arguments. */
export function subjectOfCall<N extends FrontierReducer>(
  view: WorldView,
  reducer: N,
  args: FrontierArgs<N>,
): FailureSubject {
  const a = args as Record<string, unknown>;
  const partnerName = (id: unknown) =>
    typeof id === 'string' ? view.table('avatar').find(id as never)?.name : undefined;
  switch (reducer) {
    case 'gather':
      return { nodeId: a.nodeId as number };
    case 'craft':
      return { recipeId: a.recipeId as string };
    case 'place_building':
      return { buildingKind: a.kind as string };
    case 'construct':
      return { buildingId: a.building as number };
    case 'trade_open':
      return { partner: partnerName(a.partner) };
    case 'contribute':
      return { itemId: a.itemId as string };
    default:
      return typeof a.building === 'number' ? { buildingId: a.building } : {};
  }
}

/** What a server action (gather, craft, construct) was about, for the notice it may leave. */
export function subjectOfAction(action: { kind: string; target: number; recipeId: string }): FailureSubject {
  if (action.kind === 'gather') return { nodeId: action.target };
  if (action.kind === 'craft') return { recipeId: action.recipeId };
  return { buildingId: action.target };
}
