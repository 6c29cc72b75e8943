/**
 * The subscriptions Frontier's browser client makes, in one place so that what the world-tick
 * benchmark measures is what the client asks for. Type imports only: the browser client reads it
 * without bundling the world.
 */
import type { LodSpec, Query } from '../protocol';
import { CONTENT_TABLES } from './content-table-list';

/** Tables the browser client reads whole: content, players' names, and rows only their owner may see. */
export const CLIENT_WHOLE_TABLES: readonly string[] = [
  ...CONTENT_TABLES,
  'world_info',
  'player',
  'container',
  'inventory',
  'skill',
  'quest_progress',
  'action',
  'trade',
  'trade_item',
  'notice',
  'satiety',
  'building_access',
  'project_state',
  'project_delivery',
  'project_contributor',
];

/** The browser client's area-of-interest radii, tiles. */
export interface ClientRadii {
  /** Avatars, resource nodes and buildings. @default 48 */
  readonly entityTiles?: number;
  /** Terrain chunk centres. @default 72 */
  readonly terrainTiles?: number;
  /** Local chat (the world's `localChatRadiusTiles`). @default 24 */
  readonly chatTiles?: number;
  /** Extra radius before a row leaves the area (hysteresis). @default 8 */
  readonly hysteresisTiles?: number;
  /**
   * How far the player walks before the circles' centres follow (a stepped follow: the server
   * re-examines each area a few times a second instead of every tick). Rows within each radius
   * less the step are always held; the chat circle grows by the step so that every message
   * within `chatTiles` arrives. 0 moves the centres every tick. @default 2
   */
  readonly stepTiles?: number;
  /** A level of detail on the avatar query (the client declares none). */
  readonly avatarLod?: LodSpec;
}

/**
 * The browser client's queries for the player `me`: the whole tables above, global chat, and
 * circles following the player's avatar.
 *
 * @example
 * for (const q of clientQueries(conn.identity)) conn.subscribe(q);
 */
export function clientQueries(me: string, radii: ClientRadii = {}): Query[] {
  const hyst = radii.hysteresisTiles ?? 8;
  const entity = radii.entityTiles ?? 48;
  const step = radii.stepTiles ?? 2;
  const follow = (radius: number) => ({
    table: 'avatar',
    key: me,
    radius,
    exitRadius: radius + hyst,
    ...(step > 0 ? { step } : {}),
  });
  const lod = radii.avatarLod === undefined ? {} : { lod: radii.avatarLod };
  return [
    ...CLIENT_WHOLE_TABLES.map((table) => ({ table })),
    { table: 'chat_message', where: { index: 'by_channel', value: 'global' } },
    { table: 'chat_message', follow: follow((radii.chatTiles ?? 24) + step) },
    { table: 'avatar', follow: follow(entity), ...lod },
    { table: 'resource_node', follow: follow(entity) },
    { table: 'building', follow: follow(entity) },
    { table: 'terrain_chunk', follow: follow(radii.terrainTiles ?? 72) },
  ] as Query[];
}
