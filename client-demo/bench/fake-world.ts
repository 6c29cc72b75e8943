/**
 * A synthetic Frontier world in a memory view, for the frame benchmark and offline previews:
 * content rows mapped from content/*.json, a few terrain chunks of value noise, and as many
 * resource nodes, buildings and wandering players as asked for, plus a connection whose ticks
 * move the players like the server would.
 */
import biomes from '../../content/biomes.json';
import buildings from '../../content/buildings.json';
import items from '../../content/items.json';
import resources from '../../content/resources.json';
import type { GameConnection } from '../src/game/connection';
import type { ConnectionState } from '../src/ui/connection-banner';
import type { AvatarRow, PlayerRow } from '../src/world/rows';
import type { Identity } from '@tickspace/server/engine';
import { createMemoryView, type MemoryView, type Unsubscribe } from '../src/world/world-view';

/** Options of {@link createFakeWorld}. */
export interface FakeWorldOptions {
  readonly players: number;
  readonly nodes: number;
  readonly buildings: number;
  /** Half extent of the area entities are spread over, tiles (x, y). */
  readonly spreadX: number;
  readonly spreadY: number;
  readonly seed?: number;
}

/** The fake world and its driver. */
export interface FakeWorld {
  readonly view: MemoryView;
  readonly connection: GameConnection & { tick: number };
  readonly self: string;
  readonly center: { x: number; y: number };
  /** Advances one tick: moves every wandering player; returns the JS time spent applying it (listeners included), ms. */
  step(): number;
}

const CHUNK = 32;
const CHUNKS_PER_SIDE = 128;

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function identity(i: number): Identity {
  return i.toString(16).padStart(32, '0') as Identity;
}

function noise(x: number, y: number): number {
  return (Math.sin(x * 0.11) + Math.sin(y * 0.09 + x * 0.03) + Math.sin((x + y) * 0.05) * 0.8) / 2.8;
}

/** Builds the world. */
export function createFakeWorld(options: FakeWorldOptions): FakeWorld {
  const rnd = mulberry(options.seed ?? 7);
  const view = createMemoryView();
  const center = { x: 64 * CHUNK + 16, y: 64 * CHUNK + 16 };
  view.table('world_info').put({
    id: 0,
    seed: 'bench',
    worldTiles: CHUNK * CHUNKS_PER_SIDE,
    chunkTiles: CHUNK,
    spawnX: center.x,
    spawnY: center.y,
    contentRev: 1,
  });
  view.table('settings').put({
    id: 0,
    playerSpeedTilesPerSec: 5,
    playerRadiusTiles: 0.3,
    reachTiles: 1.5,
    inventorySlots: 24,
    tradeRadiusTiles: 5,
    stationRadiusTiles: 4,
    buildRangeTiles: 6,
    constructStepMs: 1000,
    startBiome: 'grassland',
    startRadiusTiles: 40,
  });
  for (const b of biomes as {
    id: string;
    name: string;
    kind: string;
    tile: number;
    color: string;
    speedFactor: number;
  }[])
    view.table('biome_def').put({
      id: b.id,
      name: b.name,
      kind: b.kind,
      tile: b.tile,
      color: b.color,
      speedFactor: b.speedFactor,
      tMin: 0,
      tMax: 1,
      mMin: 0,
      mMax: 1,
    });
  for (const r of resources as {
    id: string;
    name: string;
    item: string;
    radius: number;
    blocks: boolean;
    icon: { shape: string; color: string };
  }[])
    view.table('resource_def').put({
      id: r.id,
      name: r.name,
      itemId: r.item,
      quantityPerGather: 1,
      amount: 5,
      gatherMs: 1000,
      respawnMs: 60000,
      toolKind: '',
      toolTier: 0,
      skill: 'foraging',
      xp: 1,
      blocks: r.blocks,
      radius: r.radius,
      iconShape: r.icon.shape,
      iconColor: r.icon.color,
    });
  for (const b of buildings as {
    id: string;
    name: string;
    width: number;
    height: number;
    buildMs: number;
    icon: { shape: string; color: string };
  }[])
    view.table('building_def').put({
      id: b.id,
      name: b.name,
      width: b.width,
      height: b.height,
      buildMs: b.buildMs,
      storageSlots: 0,
      station: false,
      blocks: true,
      skill: 'construction',
      xp: 1,
      iconShape: b.icon.shape,
      iconColor: b.icon.color,
    });
  for (const i of items as {
    id: string;
    name: string;
    category: string;
    stackSize: number;
    icon: { shape: string; color: string };
  }[])
    view.table('item_def').put({
      id: i.id,
      name: i.name,
      category: i.category,
      stackSize: i.stackSize,
      iconShape: i.icon.shape,
      iconColor: i.icon.color,
      toolKind: '',
      toolTier: 0,
      description: '',
      wellFedMs: 0,
    });
  // Terrain: 5 x 3 chunks around the centre, land in the middle, a lake, a ridge.
  for (let cy = 62; cy <= 66; cy++)
    for (let cx = 61; cx <= 67; cx++) {
      const tiles = new Uint8Array(CHUNK * CHUNK);
      for (let y = 0; y < CHUNK; y++)
        for (let x = 0; x < CHUNK; x++) {
          const wx = cx * CHUNK + x;
          const wy = cy * CHUNK + y;
          const n = noise(wx, wy);
          const lake = Math.hypot(wx - center.x - 30, wy - center.y + 14) < 7 + Math.sin(wx * 0.7) * 1.5;
          tiles[y * CHUNK + x] = lake ? 0 : n > 0.62 ? 1 : n > 0.35 ? 5 : n < -0.55 ? 3 : n < -0.35 ? 4 : 6;
        }
      view
        .table('terrain_chunk')
        .put({ id: cy * CHUNKS_PER_SIDE + cx, cx, cy, x: cx * CHUNK + 16, y: cy * CHUNK + 16, tiles });
    }
  const resIds = (resources as { id: string }[]).map((r) => r.id);
  for (let i = 0; i < options.nodes; i++)
    view.table('resource_node').put({
      id: i + 1,
      resourceId: resIds[Math.floor(rnd() * resIds.length)]!,
      x: center.x + (rnd() * 2 - 1) * options.spreadX,
      y: center.y + (rnd() * 2 - 1) * options.spreadY,
      amount: rnd() < 0.15 ? 0 : 3,
      respawnAtMs: 0,
    });
  const bIds = (buildings as { id: string; width: number; height: number }[]).filter(
    (b) => b.width * b.height <= 4,
  );
  for (let i = 0; i < options.buildings; i++) {
    const def = bIds[i % bIds.length]!;
    const x = Math.floor(center.x + (rnd() * 2 - 1) * options.spreadX);
    const y = Math.floor(center.y + (rnd() * 2 - 1) * options.spreadY);
    const complete = rnd() < 0.7;
    view.table('building').put({
      id: i + 1,
      buildingId: def.id,
      owner: identity(1),
      x,
      y,
      width: def.width,
      height: def.height,
      cx: x + def.width / 2,
      cy: y + def.height / 2,
      progressMs: complete ? 1000 : 400,
      complete,
      containerId: 0,
    });
  }
  const self = identity(1);
  const wanderers: { id: string; dx: number; dy: number }[] = [];
  for (let i = 0; i < options.players; i++) {
    const id = identity(i + 1);
    const a = rnd() * Math.PI * 2;
    const name = i === 0 ? 'You' : `Player${i}`;
    const row: PlayerRow = {
      identity: id,
      name,
      nameKey: name.toLowerCase(),
      online: true,
      containerId: i + 1,
      joinedMs: 0,
    };
    const avatar: AvatarRow = {
      identity: id,
      name,
      online: true,
      x: i === 0 ? center.x : center.x + (rnd() * 2 - 1) * options.spreadX,
      y: i === 0 ? center.y : center.y + (rnd() * 2 - 1) * options.spreadY,
      dirX: 0,
      dirY: 0,
      moving: i !== 0,
    };
    view.table('player').put(row);
    view.table('avatar').put(avatar);
    if (i !== 0) wanderers.push({ id, dx: Math.cos(a), dy: Math.sin(a) });
  }
  const tickMs = 50;
  const tickListeners = new Set<(tick: number) => void>();
  const connection = {
    view,
    identity: self,
    tickMs,
    tick: 1,
    call: async () => undefined,
    onTick: (l: (tick: number) => void): Unsubscribe => {
      tickListeners.add(l);
      return () => void tickListeners.delete(l);
    },
    onState:
      (_l: (state: ConnectionState, detail: string) => void): Unsubscribe =>
      () =>
        undefined,
    stats: () => ({ pingMs: 20, bytesIn: 0, bytesOut: 0 }),
    close: () => undefined,
  };
  const players = view.table('avatar');
  const step = (): number => {
    const t0 = performance.now();
    connection.tick++;
    const v = (5 * tickMs) / 1000;
    for (const w of wanderers) {
      const p = players.find(w.id)!;
      if (rnd() < 0.02) {
        const a = rnd() * Math.PI * 2;
        w.dx = Math.cos(a);
        w.dy = Math.sin(a);
      }
      let x = p.x + w.dx * v;
      let y = p.y + w.dy * v;
      if (Math.abs(x - center.x) > options.spreadX) {
        w.dx = -w.dx;
        x = p.x;
      }
      if (Math.abs(y - center.y) > options.spreadY) {
        w.dy = -w.dy;
        y = p.y;
      }
      players.put({ ...p, x, y, dirX: w.dx, dirY: w.dy });
    }
    for (const l of tickListeners) l(connection.tick);
    return performance.now() - t0;
  };
  return { view, connection, self, center, step };
}
