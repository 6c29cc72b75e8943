import { Room, type Client } from '@colyseus/core';
import { Encoder, MapSchema, StateView, schema, type SchemaType } from '@colyseus/schema';
import { COLYSEUS_MESSAGE, type JoinOptions, type MoveMessage } from './colyseus-protocol';
import { createInterestGrid } from './interest-grid';
import { applyStep, type MovementScenario } from './scenario';
import { wallMs, type ServerProbe } from './server-ipc';
import { spawnPosition } from './walker';

/**
 * The Colyseus peer, written the way the Colyseus docs teach it: @colyseus/schema state, a 20 Hz
 * simulation interval that patches after each step (the documented manual patch, `patchRate =
 * 0` plus `broadcastPatch()`), and per-client area of interest with a StateView fed from a
 * uniform grid. Schemas are declared with `schema()` instead of decorators.
 */

/**
 * The patch buffer: every client's view is encoded one after the other into this one buffer
 * each tick, so it must hold the shared changes plus all views' bytes (about 2,000 x 31 entities
 * x 10 bytes at 2,000 clients). The 8 KB default overflows with a few dozen clients; @colyseus/schema
 * then warns and re-encodes, and in 3.0.76 the view it was encoding comes out truncated (clients
 * log '"refId" not found'). Its warning says to raise this, which is what a Colyseus developer does.
 */
const COLYSEUS_BUFFER_BYTES = 16 * 1024 * 1024;
Encoder.BUFFER_SIZE = COLYSEUS_BUFFER_BYTES;

/** One walking entity: the same two float32 columns as the Tickspace entity row. */
const Entity = schema({ x: 'float32', y: 'float32' }, 'Entity');
/** The room state: entities by session id, each visible only through a client's StateView. */
const WorldState = schema(
  {
    entities: { map: Entity, view: true },
    /** Incremented every simulation step; clients read it to know which tick a patch carries. */
    tick: { type: 'uint32', default: 0 },
  },
  'WorldState',
);
type EntityT = SchemaType<typeof Entity>;
type WorldStateT = SchemaType<typeof WorldState>;

interface Player {
  readonly id: number;
  readonly entity: EntityT;
  /** Ids currently added to this client's view. */
  readonly visible: Set<number>;
}

/**
 * Builds the room class for a scenario; `probe` receives one sample per tick (simulation step
 * plus patch encode and send).
 * @example
 * server.define('world', createMovementRoom(scenario, probe));
 */
export function createMovementRoom(
  scenario: MovementScenario,
  probe: ServerProbe,
): new () => Room<WorldStateT> {
  return class MovementRoom extends Room<WorldStateT, unknown, Player> {
    readonly #grid = createInterestGrid(scenario.worldSize, scenario.worldSize, scenario.cellSize);
    readonly #byId: (EntityT | undefined)[] = [];
    readonly #scratch: number[] = [];
    #seen = new Uint32Array(1024);
    #generation = 0;
    #nextId = 0;

    override onCreate(): void {
      this.autoDispose = false;
      this.state = new WorldState();
      this.state.entities = new MapSchema<EntityT>();
      // One interval runs the step and then the patch, so every patch carries the step just taken
      // (two independent intervals drift apart and can hold a step back for up to a whole tick).
      this.patchRate = 0;
      this.setSimulationInterval(() => this.#step(), scenario.tickMs);
      this.onMessage(COLYSEUS_MESSAGE.MOVE, (client: Client<Player>, message: MoveMessage) => {
        const player = client.userData;
        if (player === undefined || typeof message !== 'object' || message === null) return;
        const e = player.entity;
        const next = applyStep(scenario, e.x, e.y, Number(message.dx), Number(message.dy));
        e.x = next.x;
        e.y = next.y;
        this.#grid.set(player.id, next.x, next.y);
        client.send(COLYSEUS_MESSAGE.ACK, message.seq);
      });
    }

    override onJoin(client: Client<Player>, options?: Partial<JoinOptions>): void {
      const id = this.#nextId++;
      const size = scenario.worldSize;
      const asked = { x: Number(options?.x), y: Number(options?.y) };
      // Where the client asks, as the Tickspace spawn reducer does; anywhere random if it asks for nowhere valid.
      const at =
        asked.x >= 0 && asked.x <= size && asked.y >= 0 && asked.y <= size
          ? asked
          : spawnPosition(scenario, id);
      const entity = new Entity();
      entity.x = at.x;
      entity.y = at.y;
      this.state.entities.set(client.sessionId, entity);
      this.#byId[id] = entity;
      this.#grid.set(id, at.x, at.y);
      client.userData = { id, entity, visible: new Set([id]) };
      client.view = new StateView();
      client.view.add(entity);
    }

    override onLeave(client: Client<Player>): void {
      const player = client.userData;
      if (player === undefined) return;
      this.state.entities.delete(client.sessionId);
      this.#byId[player.id] = undefined;
      this.#grid.delete(player.id);
    }

    /** One tick: move every client's area of interest with its entity, then patch. */
    #step(): void {
      const started = wallMs();
      this.state.tick++;
      const clients = this.clients;
      for (let c = 0; c < clients.length; c++) {
        const client = clients[c]!;
        const player = client.userData;
        const view = client.view;
        if (player === undefined || view === undefined) continue;
        const generation = ++this.#generation;
        if (this.#seen.length < this.#nextId) this.#seen = new Uint32Array(this.#nextId * 2);
        const seen = this.#seen;
        const inside = this.#grid.withinRadius(
          player.entity.x,
          player.entity.y,
          scenario.aoiRadius,
          this.#scratch,
        );
        for (let i = 0; i < inside.length; i++) {
          const id = inside[i]!;
          seen[id] = generation;
          if (!player.visible.has(id)) {
            player.visible.add(id);
            view.add(this.#byId[id]!);
          }
        }
        inside.length = 0;
        for (const id of player.visible) {
          if (seen[id] === generation) continue;
          player.visible.delete(id);
          // An entity whose owner left is already gone from the map: nothing to remove from the view.
          const entity = this.#byId[id];
          if (entity !== undefined) view.remove(entity);
        }
      }
      this.broadcastPatch();
      probe.tick(this.state.tick, started, wallMs() - started);
    }
  };
}
