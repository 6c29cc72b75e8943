import type { Ticker } from 'pixi.js';
import { adminToken, saveAdminToken } from '../net/session-store';
import { parseColor } from '../render/colors';
import { EntityLayer } from '../render/entity-layer';
import { createScene, type Scene } from '../render/scene';
import { SpriteArt } from '../render/sprite-art';
import type { BiomeLook } from '../render/terrain-art';
import { TerrainLayer } from '../render/terrain-layer';
import { TILE_PX } from '../render/tile-metrics';
import { h, replaceChildren } from '../ui/dom';
import type { ClientTableName } from '../world/rows';
import { createMemoryView, type MemoryView } from '../world/world-view';
import { createHttpHistorySource, HistoryError, type HistorySource } from './history-source';

/** Options of {@link startHistoryViewer}. */
export interface HistoryViewerOptions {
  readonly stage: HTMLElement;
  readonly hud: HTMLElement;
  /** Where history comes from. @default the page's server, with the stored admin token */
  readonly source?: HistorySource;
  /**
   * During playback, resource nodes (the biggest table) are refetched only every this many steps;
   * avatars and buildings every step. Scrubbing always refetches everything.
   * @default 10
   */
  readonly nodeRefreshSteps?: number;
}

/** Playback speeds: ticks of history shown per second of wall time, as multiples of real time. */
const PLAYBACK_SPEEDS = [1, 4, 16, 64] as const;

/** Tables read once, as of the live tick: content and terrain (chunks never change once generated). */
const STATIC_TABLES = [
  'world_info',
  'settings',
  'biome_def',
  'resource_def',
  'building_def',
  'item_def',
  'player',
  'terrain_chunk',
] as const satisfies readonly ClientTableName[];

/** The viewer's state, exposed for tests. */
export interface HistoryViewer {
  readonly view: MemoryView;
  /** The tick on screen. */
  readonly tick: number;
  readonly earliest: number;
  readonly latest: number;
  /** Shows the world as of `tick` (clamped to the history). */
  seek(tick: number): Promise<void>;
  play(speed?: number): void;
  pause(): void;
  readonly playing: boolean;
  /** Identity the camera follows, if any. */
  follow(identity: string | undefined): void;
}

/**
 * The time-travel viewer: a spectator mode that shows the world as of any past tick (read through
 * the commit log's time travel) with a timeline slider, and plays history back with entities
 * interpolated between the ticks it fetched. Needs the admin token (`#admin=<token>` in the URL,
 * or typed in); read-only.
 */
export async function startHistoryViewer(options: HistoryViewerOptions): Promise<HistoryViewer | undefined> {
  const panel = h('section', { class: 'panel timeline', 'data-panel': 'timeline' });
  options.hud.append(panel);
  let source = options.source;
  if (source === undefined) {
    let token = adminToken();
    for (;;) {
      if (token !== '') {
        const s = createHttpHistorySource({ adminToken: token });
        try {
          await s.table('world_info');
          source = s;
          break;
        } catch (e) {
          if (!(e instanceof HistoryError) || e.code !== 'FORBIDDEN') throw e;
        }
      }
      token = await askToken(panel, token === '' ? '' : 'That token was refused.');
      saveAdminToken(token);
    }
  }
  replaceChildren(
    panel,
    h('div', { class: 'title' }, 'World history'),
    h('div', { class: 'summary' }, 'Loading the world…'),
  );
  const viewer = await HistoryViewerImpl.create(source, options, panel);
  return viewer;
}

function askToken(panel: HTMLElement, problem: string): Promise<string> {
  return new Promise((resolve) => {
    const input = h('input', {
      type: 'password',
      placeholder: 'Admin token (printed by the server at start)',
      autocomplete: 'off',
      class: 'admin-token',
    });
    const form = h(
      'form',
      { class: 'row' },
      input,
      h('button', { class: 'primary', type: 'submit' }, 'Open history'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (input.value.trim() !== '') resolve(input.value.trim());
    });
    replaceChildren(
      panel,
      h('div', { class: 'title' }, 'World history'),
      h(
        'div',
        { class: 'summary' },
        problem || 'Time travel reads the commit log; it needs the server’s admin token.',
      ),
      form,
    );
  });
}

class HistoryViewerImpl implements HistoryViewer {
  readonly view = createMemoryView();
  readonly #source: HistorySource;
  readonly #scene: Scene;
  readonly #panel: HTMLElement;
  readonly #art = new SpriteArt();
  readonly #nodeRefreshSteps: number;
  #entities: EntityLayer;
  #tick = 0;
  #earliest = 1;
  #latest = 1;
  #tickMs = 50;
  #speed: number = PLAYBACK_SPEEDS[1];
  #playing = false;
  #follow: string | undefined;
  #loading: Promise<void> = Promise.resolve();
  #steps = 0;
  /** Playhead in server ms, advancing smoothly between fetched ticks. */
  #playheadMs = 0;
  #slider!: HTMLInputElement;
  #label!: HTMLElement;
  #summary!: HTMLElement;
  #playButton!: HTMLButtonElement;
  #speedSelect!: HTMLSelectElement;
  #followSelect!: HTMLSelectElement;
  #drag: { x: number; y: number } | undefined;

  private constructor(
    source: HistorySource,
    scene: Scene,
    panel: HTMLElement,
    options: HistoryViewerOptions,
  ) {
    this.#source = source;
    this.#scene = scene;
    this.#panel = panel;
    this.#nodeRefreshSteps = options.nodeRefreshSteps ?? 10;
    this.#entities = this.#newEntityLayer();
  }

  static async create(
    source: HistorySource,
    options: HistoryViewerOptions,
    panel: HTMLElement,
  ): Promise<HistoryViewerImpl> {
    const scene = await createScene({ parent: options.stage, zoom: 1.5 });
    const v = new HistoryViewerImpl(source, scene, panel, options);
    await v.#init();
    return v;
  }

  get tick(): number {
    return this.#tick;
  }
  get earliest(): number {
    return this.#earliest;
  }
  get latest(): number {
    return this.#latest;
  }
  get playing(): boolean {
    return this.#playing;
  }

  /** Replaces the view's rows of one table with the table as it is now. */
  async #loadNow<N extends ClientTableName>(name: N): Promise<void> {
    const { rows } = await this.#source.table(name);
    this.view.table(name).replaceAll(rows);
  }

  async #init(): Promise<void> {
    this.#latest = await this.#source.latestTick();
    this.#earliest = await this.#source.earliestTick(this.#latest);
    for (const name of STATIC_TABLES) await this.#loadNow(name);
    this.#tickMs = await this.#estimateTickMs();
    const biomes: (BiomeLook | undefined)[] = [];
    for (const b of this.view.table('biome_def').iter())
      biomes[b.tile] = { id: b.id, kind: b.kind, color: parseColor(b.color) };
    const terrain = new TerrainLayer({
      chunkTiles: this.view.table('world_info').find(0)?.chunkTiles ?? 32,
      biomes,
      maxCachedChunks: 0,
    });
    this.#scene.terrain.addChild(terrain.container);
    for (const c of this.view.table('terrain_chunk').iter()) terrain.add(c);
    const info = this.view.table('world_info').find(0);
    if (info !== undefined) this.#scene.camera.jumpTo(info.spawnX * TILE_PX, info.spawnY * TILE_PX);
    this.#buildPanel();
    this.#setupPointer();
    this.#scene.app.ticker.add((t) => this.#frame(t));
    await this.seek(this.#latest);
    const first = this.view.table('avatar').iter()[0];
    if (first !== undefined) this.follow(first.identity);
  }

  /** The tick period, from the physics clock (it steps every tick); the engine default otherwise. */
  async #estimateTickMs(): Promise<number> {
    try {
      const { tick, rows } = await this.#source.table('physics_clock' as ClientTableName);
      const last = (rows[0] as unknown as { lastStepMs?: number } | undefined)?.lastStepMs;
      if (last !== undefined && tick > 0 && last > 0) return Math.max(1, Math.round(last / tick));
    } catch {
      // Another module, or no such table: keep the default.
    }
    return 50;
  }

  #newEntityLayer(): EntityLayer {
    const layer = new EntityLayer({
      view: this.view,
      art: this.#art,
      stampMs: () => this.#tick * this.#tickMs,
    });
    this.#scene.entities.addChild(layer.container);
    return layer;
  }

  async seek(tick: number): Promise<void> {
    const target = Math.max(this.#earliest, Math.min(this.#latest, Math.round(tick)));
    // Jumps backwards or far ahead cannot be interpolated: start the entities afresh.
    const sequential =
      target >= this.#tick && target - this.#tick <= 64 * PLAYBACK_SPEEDS[PLAYBACK_SPEEDS.length - 1]!;
    await this.#load(target, !sequential || this.#steps % this.#nodeRefreshSteps === 0, !sequential);
  }

  #load(target: number, withNodes: boolean, fresh: boolean): Promise<void> {
    this.#loading = this.#loading.then(async () => {
      const tables: ClientTableName[] = ['avatar', 'building', 'action'];
      if (withNodes) tables.push('resource_node');
      const results = await Promise.all(tables.map((t) => this.#source.table(t, target)));
      if (fresh) {
        this.#entities.destroy();
        for (const t of ['avatar', 'building', 'resource_node', 'action'] as const)
          this.view.table(t).replaceAll([]);
        this.#tick = target;
        this.#entities = this.#newEntityLayer();
      }
      this.#tick = target;
      tables.forEach((t, i) => this.view.table(t).replaceAll(results[i]!.rows));
      this.#steps++;
      if (fresh || !this.#playing) this.#playheadMs = target * this.#tickMs;
      this.#showTick();
    });
    return this.#loading.catch((e: unknown) => {
      this.#loading = Promise.resolve();
      this.#summary.textContent = `Could not load tick ${target}: ${e instanceof Error ? e.message : String(e)}`;
    });
  }

  play(speed = this.#speed): void {
    this.#speed = speed;
    this.#speedSelect.value = String(speed);
    if (this.#playing) return;
    if (this.#tick >= this.#latest) void this.seek(this.#earliest);
    this.#playing = true;
    this.#playButton.textContent = 'Pause';
    void this.#playLoop();
  }

  pause(): void {
    this.#playing = false;
    this.#playButton.textContent = 'Play';
  }

  follow(identity: string | undefined): void {
    this.#follow = identity;
    this.#followSelect.value = identity ?? '';
  }

  async #playLoop(): Promise<void> {
    while (this.#playing) {
      const started = performance.now();
      // A step covers 250 ms of wall time at the chosen speed: few requests, smooth motion in between.
      const stepTicks = Math.max(1, Math.round((250 * this.#speed) / this.#tickMs));
      const target = Math.min(this.#latest, this.#tick + stepTicks);
      await this.#load(target, this.#steps % this.#nodeRefreshSteps === 0, false);
      if (target >= this.#latest) {
        this.#latest = await this.#source.latestTick().catch(() => this.#latest);
        this.#slider.max = String(this.#latest);
        if (target >= this.#latest) this.pause();
      }
      const wait = 250 - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  #frame(ticker: Ticker): void {
    const targetMs = this.#tick * this.#tickMs;
    if (this.#playing) this.#playheadMs = Math.min(targetMs, this.#playheadMs + ticker.deltaMS * this.#speed);
    else this.#playheadMs = targetMs;
    // Draw a step behind the newest fetched tick so positions are always between two samples.
    const lagMs = this.#playing ? 250 * this.#speed : 0;
    const renderMs = this.#playheadMs - lagMs;
    this.#entities.update(renderMs, renderMs);
    if (this.#follow !== undefined) {
      const p = this.#entities.playerPosition(this.#follow);
      if (p !== undefined) this.#scene.camera.follow(p.x, p.y, ticker.deltaMS);
    }
    this.#scene.applyCamera();
  }

  #showTick(): void {
    this.#slider.value = String(this.#tick);
    this.#panel.dataset.tick = String(this.#tick);
    const agoS = ((this.#latest - this.#tick) * this.#tickMs) / 1000;
    this.#label.textContent = `tick ${this.#tick}${agoS > 0 ? ` · ${formatAgo(agoS)} ago` : ' · now'}`;
    const avatars = this.view.table('avatar').iter();
    const depleted = this.view
      .table('resource_node')
      .iter()
      .filter((n) => n.amount === 0).length;
    this.#summary.textContent = `${avatars.filter((a) => a.online).length} players online · ${this.view.table('building').count()} buildings · ${depleted} resources depleted · history ${this.#earliest}–${this.#latest}`;
  }

  #buildPanel(): void {
    this.#slider = h('input', {
      type: 'range',
      min: this.#earliest,
      max: this.#latest,
      step: 1,
      value: this.#latest,
      'aria-label': 'Tick',
    });
    let debounce: ReturnType<typeof setTimeout> | undefined;
    this.#slider.addEventListener('input', () => {
      this.pause();
      const tick = Number(this.#slider.value);
      this.#label.textContent = `tick ${tick}`;
      clearTimeout(debounce);
      debounce = setTimeout(() => void this.seek(tick), 120);
    });
    this.#label = h('span', { class: 'tick' });
    this.#summary = h('div', { class: 'summary' });
    this.#playButton = h(
      'button',
      { class: 'primary play', onclick: () => (this.#playing ? this.pause() : this.play()) },
      'Play',
    );
    const speed = h(
      'select',
      { class: 'speed', 'aria-label': 'Speed' },
      ...PLAYBACK_SPEEDS.map((s) => h('option', { value: s }, `${s}×`)),
    );
    speed.value = String(this.#speed);
    this.#speedSelect = speed;
    speed.addEventListener('change', () => (this.#speed = Number(speed.value)));
    this.#followSelect = h(
      'select',
      { class: 'follow', 'aria-label': 'Follow' },
      h('option', { value: '' }, 'Free camera'),
      ...this.view
        .table('player')
        .iter()
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((p) => h('option', { value: p.identity }, `Follow ${p.name}`)),
    );
    this.#followSelect.addEventListener(
      'change',
      () => (this.#follow = this.#followSelect.value === '' ? undefined : this.#followSelect.value),
    );
    replaceChildren(
      this.#panel,
      h(
        'div',
        { class: 'row' },
        h('span', { class: 'title' }, 'World history'),
        h('span', { style: 'flex:1' }),
        this.#followSelect,
        speed,
        this.#label,
      ),
      h(
        'div',
        { class: 'row' },
        h(
          'button',
          {
            onclick: () => void this.seek(this.#tick - Math.max(1, Math.round(1000 / this.#tickMs))),
            title: 'Back one second',
          },
          '« 1 s',
        ),
        this.#playButton,
        h(
          'button',
          {
            onclick: () => void this.seek(this.#tick + Math.max(1, Math.round(1000 / this.#tickMs))),
            title: 'Forward one second',
          },
          '1 s »',
        ),
        this.#slider,
        h(
          'button',
          {
            onclick: async () => {
              this.#latest = await this.#source.latestTick();
              this.#slider.max = String(this.#latest);
              await this.seek(this.#latest);
            },
            title: 'Jump to now',
          },
          'Now',
        ),
      ),
      this.#summary,
    );
  }

  #setupPointer(): void {
    const canvas = this.#scene.app.canvas;
    canvas.addEventListener('pointerdown', (e) => {
      this.#drag = { x: e.clientX, y: e.clientY };
      this.follow(undefined);
    });
    window.addEventListener('pointerup', () => (this.#drag = undefined));
    canvas.addEventListener('pointermove', (e) => {
      if (this.#drag === undefined) return;
      const cam = this.#scene.camera;
      cam.jumpTo(
        cam.x - (e.clientX - this.#drag.x) / cam.zoom,
        cam.y - (e.clientY - this.#drag.y) / cam.zoom,
      );
      this.#drag = { x: e.clientX, y: e.clientY };
    });
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        this.#scene.camera.zoomBy(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.offsetX, e.offsetY);
      },
      { passive: false },
    );
  }
}

function formatAgo(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
