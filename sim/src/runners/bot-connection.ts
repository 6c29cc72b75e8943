import type { ClientQuery, Connection, TableNames } from '@tickspace/server/client';
import { CONTENT_TABLES, type FrontierModule } from '@tickspace/server/world';
import type { Agent, AgentHost } from '../behaviour/agent';
import {
  UPDATE_KIND,
  type CachedDb,
  type FrontierArgs,
  type FrontierReducer,
  type GameView,
} from '../behaviour/game-port';

/**
 * Tables identical for every player (the world's content tables and its world_info row), so one
 * cache can serve many bots.
 */
export const SHARED_TABLES = [...CONTENT_TABLES, 'world_info'] as const;

const CONTENT = new Set<string>(SHARED_TABLES);

/** Subscription radii of a bot, in tiles. Every one is an option with a default. */
export interface BotRadii {
  /** Other players (trades, chat partners); this query follows the player. @default 5 */
  readonly players?: number;
  /** Resource nodes. @default 18 */
  readonly nodes?: number;
  /** Buildings (stations, storage). @default 18 */
  readonly buildings?: number;
  /** Chat messages heard. @default 16 */
  readonly chat?: number;
  /** Terrain chunks (to find building sites). @default 24 */
  readonly terrain?: number;
  /**
   * The area queries (nodes, buildings, chat, terrain) follow the player in steps of this many
   * tiles, and cover their radius plus this. @default 8
   */
  readonly reanchor?: number;
}

/** A connected client the bot reads and calls through. */
export type FrontierConnection = Connection<FrontierModule>;

/** Subscribes a content cache (one per runner or worker) to the content tables. */
export async function subscribeContent(conn: FrontierConnection): Promise<void> {
  await Promise.all(SHARED_TABLES.map((table) => conn.subscribe({ table }).applied));
}

/**
 * Binds an agent to one SDK connection: subscribes what a player needs (area-of-interest queries
 * that follow its own avatar, its backpack, skills, trades and notices), forwards updates and
 * call outcomes to the agent, and gives it a view whose content tables come from a shared cache.
 * The agent acts only through `conn.call`, exactly as a browser client does.
 */
export class BotConnection implements AgentHost {
  readonly agent: Agent;
  readonly conn: FrontierConnection;
  readonly view: GameView;
  readonly #clock: () => number;
  readonly #onDisconnect: (reconnectAtMs: number) => void;
  readonly #radii: Required<BotRadii>;
  readonly #unsubscribe: (() => void)[] = [];
  #inventorySubscribed = false;
  #closed = false;

  constructor(
    agent: Agent,
    conn: FrontierConnection,
    content: FrontierConnection,
    clock: () => number,
    onDisconnect: (reconnectAtMs: number) => void,
    radii: BotRadii = {},
  ) {
    this.agent = agent;
    this.conn = conn;
    this.#clock = clock;
    this.#onDisconnect = onDisconnect;
    this.#radii = {
      players: radii.players ?? 5,
      nodes: radii.nodes ?? 18,
      buildings: radii.buildings ?? 18,
      chat: radii.chat ?? 16,
      terrain: radii.terrain ?? 24,
      reanchor: radii.reanchor ?? 8,
    };
    const own = conn.db as unknown as Record<string, unknown>;
    const shared = content.db as unknown as Record<string, unknown>;
    // A plain object resolved once: behaviours read tables on every decision.
    const db: Record<string, unknown> = {};
    for (const t of content.schema?.tables ?? [])
      db[t.name] = CONTENT.has(t.name) ? shared[t.name] : own[t.name];
    this.view = { identity: conn.identity, db: db as CachedDb };
  }

  /** Subscribes the bot's queries and hooks its listeners. Call once the connection is open. */
  start(): void {
    const conn = this.conn;
    const me = conn.identity;
    const r = this.#radii;
    // The area queries follow the avatar in steps of `reanchor` tiles: the server moves each area
    // every few seconds of walking instead of re-examining it every tick, and no round trip moves it.
    const area = (table: TableNames<FrontierModule>, radius: number): ClientQuery<FrontierModule> => ({
      table,
      follow: { table: 'avatar', key: me, radius: radius + r.reanchor, step: r.reanchor },
    });
    const subs: ClientQuery<FrontierModule>[] = [
      { table: 'avatar', follow: { table: 'avatar', key: me, radius: r.players, exitRadius: r.players + 2 } },
      area('resource_node', r.nodes),
      area('building', r.buildings),
      area('chat_message', r.chat),
      area('terrain_chunk', r.terrain),
      { table: 'container', where: { index: 'by_owner', value: me } },
      { table: 'skill', where: { index: 'by_owner', value: me } },
      { table: 'notice', where: { index: 'by_owner', value: me } },
      { table: 'trade', where: { index: 'by_a', value: me } },
      { table: 'trade', where: { index: 'by_b', value: me } },
      { table: 'trade_item' },
    ];
    for (const q of subs) conn.subscribe(q).applied.catch(() => {});
    const db = conn.db;
    const now = this.#clock;
    const agent = this.agent;
    const actionEnd = () => agent.onUpdate(UPDATE_KIND.ACTION_END, now());
    this.#unsubscribe.push(
      db.container.onInsert((c) => {
        if (c.owner === me && c.buildingId === 0) this.#subscribeInventory(c.id);
      }),
      db.inventory.onInsert(actionEnd),
      db.inventory.onUpdate(actionEnd),
      db.inventory.onDelete(actionEnd),
      db.building.onUpdate((_old, b) => {
        if (b.owner === me) actionEnd();
      }),
      db.notice.onInsert(() => agent.onUpdate(UPDATE_KIND.NOTICE, now())),
      db.trade.onInsert(() => agent.onUpdate(UPDATE_KIND.TRADE, now())),
      db.trade.onUpdate(() => agent.onUpdate(UPDATE_KIND.TRADE, now())),
      db.trade_item.onInsert(() => agent.onUpdate(UPDATE_KIND.TRADE, now())),
      db.trade_item.onUpdate(() => agent.onUpdate(UPDATE_KIND.TRADE, now())),
      db.chat_message.onInsert((m) => {
        if (m.sender !== me) agent.onUpdate(UPDATE_KIND.CHAT, now());
      }),
    );
    for (const c of db.container.iter())
      if (c.owner === me && c.buildingId === 0) this.#subscribeInventory(c.id);
  }

  #subscribeInventory(containerId: number): void {
    if (this.#inventorySubscribed) return;
    this.#inventorySubscribed = true;
    this.conn
      .subscribe({ table: 'inventory', where: { index: 'by_container', value: containerId } })
      .applied.catch(() => {});
  }

  call<N extends FrontierReducer>(reducer: N, args: FrontierArgs<N>): void {
    const agent = this.agent;
    const typed = this.conn.reducers[reducer] as (args: FrontierArgs<N>) => Promise<void>;
    typed(args).then(
      () => agent.onResult(reducer, { ok: true }, this.#clock()),
      (error: { code?: string; message?: string }) =>
        agent.onResult(
          reducer,
          { ok: false, code: error.code ?? 'INTERNAL', message: error.message ?? String(error) },
          this.#clock(),
        ),
    );
  }

  disconnect(reconnectAtMs: number): void {
    this.close();
    this.#onDisconnect(reconnectAtMs);
  }

  /** Unhooks listeners and closes the connection. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const u of this.#unsubscribe) u();
    this.agent.detach();
    this.conn.close();
  }
}
