import { Container, Graphics, Sprite, Text } from 'pixi.js';
import type { AvatarRow, BuildingRow, ResourceNodeRow } from '../world/rows';
import type { Unsubscribe, WorldView } from '../world/world-view';
import { PositionBuffer, type Point } from './interpolation';
import { LabelLayout, type LabelBox } from './label-layout';
import { ART_SCALE, SpriteArt, playerColor } from './sprite-art';
import { buildingDepth, overlayDepth, standingDepth, DEPTH_BANDS } from './depth';
import { TILE_PX } from './tile-metrics';

/** Options of {@link EntityLayer}. */
export interface EntityLayerOptions {
  readonly view: WorldView;
  readonly art: SpriteArt;
  /** The local player's identity: drawn at the predicted position instead of interpolated. */
  readonly self?: string;
  /** Server logical time (ms) of the update being applied: stamps interpolation samples. */
  readonly stampMs: () => number;
  /**
   * A jump longer than this (tiles) between two updates is a teleport: the entity snaps instead
   * of sliding across the map.
   * @default 4
   */
  readonly teleportTiles?: number;
}

interface PlayerEntity {
  identity: string;
  row: AvatarRow;
  readonly sprite: Sprite;
  readonly label: Text;
  readonly bar: Graphics;
  readonly buffer: PositionBuffer;
  /** The name label's box for the collision pass. */
  readonly box: LabelBox;
  /** Rendered position, world px. */
  x: number;
  y: number;
  facing: 1 | -1;
  /** Action progress window in server ms, or endsMs = 0 when idle. */
  actionStartMs: number;
  actionEndsMs: number;
}

interface NodeEntity {
  row: ResourceNodeRow;
  readonly sprite: Sprite;
  depleted: boolean;
}

interface BuildingEntity {
  row: BuildingRow;
  readonly sprite: Sprite;
  readonly bar: Graphics;
  complete: boolean;
}

const scratch: Point = { x: 0, y: 0 };
const NAME_STYLE = {
  fontFamily: 'system-ui, sans-serif',
  fontSize: 11,
  fontWeight: '600',
  fill: 0xffffff,
  stroke: { color: 0x000000, width: 3, join: 'round' },
} as const;

/**
 * Everything standing on the terrain: resource nodes (with a depleted look), buildings (scaffolding
 * and a progress bar until complete) and players (name labels, action progress, interpolated
 * between ticks). Sorted by their feet's y so that nearer things overlap farther ones, with what
 * players walk over beneath them all (the rule is in `depth.ts`).
 */
export class EntityLayer {
  /** Add this to the scene above the terrain. */
  readonly container = new Container({ label: 'entities', sortableChildren: true });
  readonly #view: WorldView;
  readonly #art: SpriteArt;
  readonly #stampMs: () => number;
  readonly #teleportPx: number;
  #self: string | undefined;
  /** Players in a dense array (iterated every frame) with a key-to-index map; swap-remove. */
  readonly #players: PlayerEntity[] = [];
  readonly #playerIndex = new Map<string, number>();
  readonly #nodes = new Map<number, NodeEntity>();
  readonly #buildings = new Map<number, BuildingEntity>();
  readonly #unsubs: Unsubscribe[] = [];
  #highlighted: Sprite | undefined;
  readonly #labels = new LabelLayout();
  readonly #labelBoxes: LabelBox[] = [];

  constructor(options: EntityLayerOptions) {
    this.#view = options.view;
    this.#art = options.art;
    this.#self = options.self;
    this.#stampMs = options.stampMs;
    this.#teleportPx = (options.teleportTiles ?? 4) * TILE_PX;
    const nodes = this.#view.table('resource_node');
    const buildings = this.#view.table('building');
    const players = this.#view.table('avatar');
    const actions = this.#view.table('action');
    this.#unsubs.push(
      nodes.onInsert((r) => this.#addNode(r)),
      nodes.onUpdate((_o, r) => this.#updateNode(r)),
      nodes.onDelete((r) => this.#removeNode(r.id)),
      buildings.onInsert((r) => this.#addBuilding(r)),
      buildings.onUpdate((_o, r) => this.#updateBuilding(r)),
      buildings.onDelete((r) => this.#removeBuilding(r.id)),
      players.onInsert((r) => this.#addPlayer(r)),
      players.onUpdate((_o, r) => this.#updatePlayer(r)),
      players.onDelete((r) => this.#removePlayer(r.identity)),
      actions.onInsert((a) => this.#setAction(a.owner, a.startedMs, a.endsMs)),
      actions.onUpdate((_o, a) => this.#setAction(a.owner, a.startedMs, a.endsMs)),
      actions.onDelete((a) => this.#setAction(a.owner, 0, 0)),
    );
    for (const r of nodes.iter()) this.#addNode(r);
    for (const r of buildings.iter()) this.#addBuilding(r);
    for (const r of players.iter()) this.#addPlayer(r);
    for (const a of actions.iter()) this.#setAction(a.owner, a.startedMs, a.endsMs);
  }

  /** Entities currently drawn (players + nodes + buildings). */
  get entityCount(): number {
    return this.#players.length + this.#nodes.size + this.#buildings.size;
  }

  /** Players currently drawn. */
  get playerCount(): number {
    return this.#players.length;
  }

  /** Changes which player is drawn at the predicted position. */
  setSelf(identity: string | undefined): void {
    this.#self = identity;
  }

  /**
   * Positions every player for this frame: others interpolated at `renderTimeMs` (server time, in
   * the past by the interpolation delay), the local player at `selfPos` (tiles) when given.
   * `nowMs` (server time) drives action progress bars.
   */
  update(renderTimeMs: number, nowMs: number, selfPos?: Point): void {
    const list = this.#players;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      let x: number;
      let y: number;
      if (selfPos !== undefined && p.identity === this.#self) {
        x = selfPos.x * TILE_PX;
        y = selfPos.y * TILE_PX;
      } else {
        p.buffer.sample(renderTimeMs, scratch);
        x = scratch.x * TILE_PX;
        y = scratch.y * TILE_PX;
      }
      const dx = x - p.x;
      if (dx > 0.05 && p.facing !== 1) {
        p.facing = 1;
        p.sprite.scale.x = ART_SCALE;
      } else if (dx < -0.05 && p.facing !== -1) {
        p.facing = -1;
        p.sprite.scale.x = -ART_SCALE;
      }
      if (x !== p.x || y !== p.y) {
        p.x = x;
        p.y = y;
        p.sprite.position.set(x, y);
        p.sprite.zIndex = standingDepth(y);
        p.label.zIndex = overlayDepth(y);
        p.bar.position.set(x, y - 34);
        p.bar.zIndex = overlayDepth(y);
      }
      if (p.actionEndsMs > 0) {
        const f = Math.min(1, Math.max(0, (nowMs - p.actionStartMs) / (p.actionEndsMs - p.actionStartMs)));
        p.bar.visible = true;
        drawBar(p.bar, f, 0x7ee081);
      } else if (p.bar.visible) p.bar.visible = false;
    }
    this.#layoutLabels(selfPos);
  }

  /**
   * Keeps name labels apart: the local player's label first, then the others nearest first; a
   * label that would overlap is lifted above the others, or hidden when the crowd is too dense.
   */
  #layoutLabels(selfPos: Point | undefined): void {
    const list = this.#players;
    const boxes = this.#labelBoxes;
    boxes.length = 0;
    const sx = (selfPos?.x ?? 0) * TILE_PX;
    const sy = (selfPos?.y ?? 0) * TILE_PX;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      const b = p.box;
      b.x = p.x;
      b.bottom = p.y - 27;
      b.width = p.label.width;
      b.height = p.label.height;
      b.priority = p.identity === this.#self ? -1 : (p.x - sx) ** 2 + (p.y - sy) ** 2;
      boxes.push(b);
    }
    this.#labels.layout(boxes);
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      const lift = p.box.lift;
      p.label.visible = lift >= 0;
      if (lift >= 0) p.label.position.set(p.x, p.y - 27 - lift);
    }
  }

  /** Where each player's name label is drawn (world px; undefined when hidden), for the tests. */
  labelBounds(): {
    identity: string;
    left: number;
    top: number;
    right: number;
    bottom: number;
    lift: number;
  }[] {
    const out = [];
    for (const p of this.#players) {
      if (p.box.lift < 0) continue;
      const bottom = p.box.bottom - p.box.lift;
      out.push({
        identity: p.identity,
        left: p.box.x - p.box.width / 2,
        right: p.box.x + p.box.width / 2,
        top: bottom - p.box.height,
        bottom,
        lift: p.box.lift,
      });
    }
    return out;
  }

  /** The rendered position of a player (world px), if drawn. */
  playerPosition(identity: string): Point | undefined {
    const i = this.#playerIndex.get(identity);
    if (i === undefined) return undefined;
    const p = this.#players[i]!;
    return { x: p.x, y: p.y };
  }

  /**
   * The draw order of a player's figure or a building's sprite (its `zIndex`; higher draws on
   * top), if drawn: what tests of the depth rule read.
   */
  depthOf(entity: { readonly player: string } | { readonly building: number }): number | undefined {
    if ('player' in entity) {
      const i = this.#playerIndex.get(entity.player);
      return i === undefined ? undefined : this.#players[i]!.sprite.zIndex;
    }
    return this.#buildings.get(entity.building)?.sprite.zIndex;
  }

  /**
   * The resource node under a world point: the nearest whose drawn body (about one tile around
   * its foot, biased upward where trees and rocks stand) contains the point.
   */
  pickNode(worldX: number, worldY: number): ResourceNodeRow | undefined {
    let best: ResourceNodeRow | undefined;
    let bestD = Infinity;
    const tx = worldX / TILE_PX;
    const ty = worldY / TILE_PX;
    for (const n of this.#nodes.values()) {
      const dx = tx - n.row.x;
      // Sprites stand above their foot: accept clicks up to ~1.2 tiles above it.
      const dy = ty < n.row.y ? Math.max(0, n.row.y - ty - 0.9) : ty - n.row.y;
      const d = dx * dx + dy * dy;
      if (d < 0.7 * 0.7 && d < bestD) {
        bestD = d;
        best = n.row;
      }
    }
    return best;
  }

  /** The player (other than the local one) nearest a world point within one tile. */
  pickPlayer(worldX: number, worldY: number): AvatarRow | undefined {
    let best: AvatarRow | undefined;
    let bestD = (TILE_PX * 1.1) ** 2;
    for (const p of this.#players) {
      if (p.identity === this.#self) continue;
      const dx = worldX - p.x;
      const dy = worldY - (p.y - TILE_PX * 0.6);
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = p.row;
      }
    }
    return best;
  }

  /** Outlines one node (hover feedback); undefined clears. */
  highlightNode(id: number | undefined): void {
    const sprite = id === undefined ? undefined : this.#nodes.get(id)?.sprite;
    if (sprite === this.#highlighted) return;
    if (this.#highlighted !== undefined && !this.#highlighted.destroyed) this.#highlighted.tint = 0xffffff;
    this.#highlighted = sprite;
    if (sprite !== undefined) sprite.tint = 0xfff3a0;
  }

  /** Removes listeners and sprites. */
  destroy(): void {
    for (const u of this.#unsubs) u();
    this.container.destroy({ children: true });
  }

  #addNode(row: ResourceNodeRow): void {
    this.#removeNode(row.id);
    const depleted = row.amount === 0;
    const sprite = new Sprite();
    this.#dressNode(sprite, row, depleted);
    sprite.position.set(row.x * TILE_PX, row.y * TILE_PX);
    sprite.zIndex = standingDepth(row.y * TILE_PX);
    sprite.scale.set(ART_SCALE);
    this.container.addChild(sprite);
    this.#nodes.set(row.id, { row, sprite, depleted });
  }

  #dressNode(sprite: Sprite, row: ResourceNodeRow, depleted: boolean): void {
    const def = this.#view.table('resource_def').find(row.resourceId);
    const art = this.#art.node(
      row.resourceId,
      def?.iconShape ?? 'hex',
      def?.iconColor ?? '#888888',
      depleted,
    );
    sprite.texture = art.texture;
    sprite.anchor.set(art.anchorX, art.anchorY);
  }

  #updateNode(row: ResourceNodeRow): void {
    const n = this.#nodes.get(row.id);
    if (n === undefined || n.row.x !== row.x || n.row.y !== row.y) return this.#addNode(row);
    n.row = row;
    const depleted = row.amount === 0;
    if (depleted !== n.depleted) {
      n.depleted = depleted;
      this.#dressNode(n.sprite, row, depleted);
    }
  }

  #removeNode(id: number): void {
    const n = this.#nodes.get(id);
    if (n === undefined) return;
    if (this.#highlighted === n.sprite) this.#highlighted = undefined;
    n.sprite.destroy();
    this.#nodes.delete(id);
  }

  #addBuilding(row: BuildingRow): void {
    this.#removeBuilding(row.id);
    const sprite = new Sprite();
    const bar = new Graphics();
    const b: BuildingEntity = { row, sprite, bar, complete: row.complete };
    this.#dressBuilding(b);
    sprite.scale.set(ART_SCALE);
    sprite.position.set(row.x * TILE_PX, row.y * TILE_PX);
    bar.position.set((row.x + row.width / 2) * TILE_PX, row.y * TILE_PX - 4);
    bar.zIndex = DEPTH_BANDS.OVERLAY;
    this.container.addChild(sprite, bar);
    this.#buildings.set(row.id, b);
    this.#drawProgress(b);
  }

  #dressBuilding(b: BuildingEntity): void {
    const def = this.#view.table('building_def').find(b.row.buildingId);
    const art = this.#art.building(
      b.row.buildingId,
      def?.iconColor ?? '#8b5a2b',
      b.row.width,
      b.row.height,
      b.row.complete,
    );
    b.sprite.texture = art.texture;
    b.sprite.anchor.set(art.anchorX, art.anchorY);
    // Players walk over a building that does not block (the town square): it lies under them.
    b.sprite.zIndex = buildingDepth(b.row, def?.blocks !== false);
  }

  #drawProgress(b: BuildingEntity): void {
    if (b.row.complete) {
      b.bar.visible = false;
      return;
    }
    const def = this.#view.table('building_def').find(b.row.buildingId);
    const total = def?.buildMs ?? 1;
    b.bar.visible = true;
    drawBar(b.bar, Math.min(1, b.row.progressMs / total), 0xf5c542);
  }

  #updateBuilding(row: BuildingRow): void {
    const b = this.#buildings.get(row.id);
    if (b === undefined || b.row.x !== row.x || b.row.y !== row.y) return this.#addBuilding(row);
    b.row = row;
    if (row.complete !== b.complete) {
      b.complete = row.complete;
      this.#dressBuilding(b);
    }
    this.#drawProgress(b);
  }

  #removeBuilding(id: number): void {
    const b = this.#buildings.get(id);
    if (b === undefined) return;
    b.sprite.destroy();
    b.bar.destroy();
    this.#buildings.delete(id);
  }

  /**
   * Offline players are not drawn: their avatars stay in the world (where they logged out, often
   * the spawn point), and drawn they would stand around as if online and pile up there.
   */
  #addPlayer(row: AvatarRow): void {
    if (this.#playerIndex.has(row.identity)) return this.#updatePlayer(row);
    if (!row.online) return;
    const art = this.#art.player(playerColor(row.identity));
    const sprite = new Sprite({ texture: art.texture });
    sprite.anchor.set(art.anchorX, art.anchorY);
    sprite.scale.set(ART_SCALE);
    const label = new Text({ text: row.name, style: NAME_STYLE, resolution: 2 });
    label.anchor.set(0.5, 1);
    const bar = new Graphics();
    bar.visible = false;
    const buffer = new PositionBuffer();
    buffer.reset(this.#stampMs(), row.x, row.y);
    const p: PlayerEntity = {
      identity: row.identity,
      row,
      sprite,
      label,
      bar,
      buffer,
      box: { x: 0, bottom: 0, width: 0, height: 0, priority: 0, lift: 0 },
      x: NaN,
      y: NaN,
      facing: 1,
      actionStartMs: 0,
      actionEndsMs: 0,
    };
    this.container.addChild(sprite, label, bar);
    this.#playerIndex.set(row.identity, this.#players.length);
    this.#players.push(p);
  }

  #updatePlayer(row: AvatarRow): void {
    if (!row.online) return this.#removePlayer(row.identity);
    const i = this.#playerIndex.get(row.identity);
    if (i === undefined) return this.#addPlayer(row);
    const p = this.#players[i]!;
    const old = p.row;
    p.row = row;
    const jump = Math.hypot(row.x - old.x, row.y - old.y) * TILE_PX;
    if (jump > this.#teleportPx) p.buffer.reset(this.#stampMs(), row.x, row.y, !row.moving);
    else p.buffer.push(this.#stampMs(), row.x, row.y, !row.moving);
    if (row.name !== old.name) p.label.text = row.name;
  }

  #removePlayer(identity: string): void {
    const i = this.#playerIndex.get(identity);
    if (i === undefined) return;
    const p = this.#players[i]!;
    const last = this.#players.pop()!;
    if (last !== p) {
      this.#players[i] = last;
      this.#playerIndex.set(last.identity, i);
    }
    this.#playerIndex.delete(identity);
    p.sprite.destroy();
    p.label.destroy();
    p.bar.destroy();
  }

  #setAction(owner: string, startedMs: number, endsMs: number): void {
    const i = this.#playerIndex.get(owner);
    if (i === undefined) return;
    const p = this.#players[i]!;
    p.actionStartMs = startedMs;
    p.actionEndsMs = endsMs > startedMs ? endsMs : 0;
  }
}

/** A small progress bar centred on the graphics' origin. */
function drawBar(g: Graphics, fraction: number, color: number): void {
  const w = 22;
  g.clear();
  g.roundRect(-w / 2 - 1, -1, w + 2, 5, 2).fill({ color: 0x000000, alpha: 0.6 });
  g.rect(-w / 2, 0, w * fraction, 3).fill(color);
}
