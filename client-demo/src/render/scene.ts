import { Application, Container, Graphics } from 'pixi.js';
import { Camera } from './camera';
import { TILE_PX } from './tile-metrics';

/** Options of {@link createScene}. */
export interface SceneOptions {
  /** Where the canvas goes. */
  readonly parent: HTMLElement;
  /** Background (the sea beyond loaded chunks). @default 0x143d59 */
  readonly background?: number;
  /** Starting zoom. @default 2 */
  readonly zoom?: number;
}

/** The Pixi application with its layers and camera. */
export interface Scene {
  readonly app: Application;
  readonly camera: Camera;
  /** Moved and scaled by the camera; holds every layer below. */
  readonly world: Container;
  readonly terrain: Container;
  /** Markers drawn on the ground (click target, selection). */
  readonly ground: Graphics;
  readonly entities: Container;
  readonly overlay: Container;
  /** Applies the camera to the world container. */
  applyCamera(): void;
  /** Frees the renderer. */
  destroy(): void;
}

/**
 * Creates the Pixi application (WebGL, no antialias: the art is pixel-snapped), the world
 * container and its layers: terrain, ground markers, entities (y-sorted), overlay.
 */
export async function createScene(options: SceneOptions): Promise<Scene> {
  const app = new Application();
  await app.init({
    resizeTo: options.parent,
    background: options.background ?? 0x143d59,
    antialias: false,
    preference: 'webgl',
    autoDensity: true,
    resolution: Math.min(2, globalThis.devicePixelRatio || 1),
    preserveDrawingBuffer: true, // so screenshots and pixel checks read the last frame
  });
  app.canvas.classList.add('game-canvas');
  options.parent.append(app.canvas);
  const camera = new Camera({ zoom: options.zoom ?? 2 });
  const world = new Container({ label: 'world' });
  const terrain = new Container({ label: 'terrain-layer' });
  const ground = new Graphics({ label: 'ground' });
  const entities = new Container({ label: 'entity-layer', sortableChildren: true });
  const overlay = new Container({ label: 'overlay' });
  world.addChild(terrain, ground, entities, overlay);
  app.stage.addChild(world);
  const applyCamera = () => {
    camera.resize(app.screen.width, app.screen.height);
    // Whole screen pixels: fractional offsets make nearest-filtered terrain shimmer while moving.
    world.position.set(Math.round(camera.offsetX), Math.round(camera.offsetY));
    world.scale.set(camera.zoom);
  };
  return {
    app,
    camera,
    world,
    terrain,
    ground,
    entities,
    overlay,
    applyCamera,
    destroy: () => app.destroy(true, { children: true, texture: true }),
  };
}

/** Draws a pulsing ring at a tile position (the click-to-move/gather target). */
export function drawTargetMarker(g: Graphics, xTiles: number, yTiles: number, phase: number): void {
  g.clear();
  const r = 5 + Math.sin(phase) * 1.5;
  g.ellipse(xTiles * TILE_PX, yTiles * TILE_PX, r * 1.4, r * 0.7).stroke({
    color: 0xfff3a0,
    width: 1.5,
    alpha: 0.9,
  });
}
