/**
 * The page the frame benchmark drives: a synthetic world with N entities in view, rendered by the
 * real client code (Game, layers, panels), frames driven by hand so that our JS time and the
 * renderer's time are measured apart.
 */
import '../src/style.css';
import { Game } from '../src/game/game';
import { createScene } from '../src/render/scene';
import { TILE_PX } from '../src/render/tile-metrics';
import { createFakeWorld } from './fake-world';

/** One scenario's result. */
export interface FrameResult {
  readonly entities: number;
  readonly frames: number;
  /** Our code per frame: Game.frame (prediction, interpolation, camera, UI) + the tick's row listeners amortised per frame. */
  readonly jsMsMean: number;
  readonly jsMsMedian: number;
  readonly jsMsP95: number;
  readonly frameMsMean: number;
  readonly tickApplyMsMean: number;
  readonly tickApplyMsMedian: number;
  readonly renderMsMean: number;
}

declare global {
  interface Window {
    runFrameBench(options: {
      players: number;
      nodes: number;
      buildings: number;
      frames: number;
      keep?: boolean;
    }): Promise<FrameResult>;
  }
}

/** Frames per rendered frame in the benchmark loop. */
const RENDER_EVERY = 8;

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function p95(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0;
}

window.runFrameBench = async ({ players, nodes, buildings, frames, keep }) => {
  const stage = document.getElementById('stage')!;
  const hud = document.getElementById('hud')!;
  stage.replaceChildren();
  hud.replaceChildren();
  const scene = await createScene({ parent: stage, zoom: 1 });
  scene.app.ticker.stop();
  // Entities spread over the visible area at zoom 1 (with a small margin inside the edges).
  const spreadX = scene.app.screen.width / TILE_PX / 2 - 2;
  const spreadY = scene.app.screen.height / TILE_PX / 2 - 2;
  const world = createFakeWorld({ players, nodes, buildings, spreadX, spreadY });
  // A simulated 60 Hz clock: frames and 20 Hz ticks interleave as they would on screen, whatever
  // rate this (software-rendered, shared) machine manages to present at.
  const frameMs = 1000 / 60;
  let virtualNow = performance.now();
  const game = new Game({ connection: world.connection, scene, hud, now: () => virtualNow });
  game.panels.hud.toggle(true);
  const jsMs: number[] = [];
  const gameFrameMs: number[] = [];
  const renderMs: number[] = [];
  const tickMs: number[] = [];
  let lastTickAt = virtualNow;
  const runFrame = async (record: boolean) => {
    virtualNow += frameMs;
    let applied = 0;
    while (virtualNow - lastTickAt >= world.connection.tickMs) {
      lastTickAt += world.connection.tickMs;
      const t0 = performance.now();
      world.step();
      // Panels redraw in a microtask after a tick's changes: count that work too.
      await Promise.resolve();
      await Promise.resolve();
      const t = performance.now() - t0;
      if (record) tickMs.push(t);
      applied += t;
    }
    const t0 = performance.now();
    game.frame();
    const t1 = performance.now();
    // Software WebGL presents slowly: render one frame in RENDER_EVERY (what is measured is our JS).
    const render = frameNo++ % RENDER_EVERY === 0;
    if (render) scene.app.render();
    const t2 = performance.now();
    if (!record) return;
    jsMs.push(t1 - t0 + applied);
    gameFrameMs.push(t1 - t0);
    if (render) renderMs.push(t2 - t1);
  };
  let frameNo = 0;
  // Warm-up: textures drawn, shaders compiled, JIT settled.
  for (let i = 0; i < 60; i++) await runFrame(false);
  for (let i = 0; i < frames; i++) {
    await runFrame(true);
    // Let the browser breathe (events, GC, presenting) now and then, outside the measured spans.
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 0));
  }
  const result: FrameResult = {
    entities: game.entities.entityCount,
    frames,
    jsMsMean: mean(jsMs),
    jsMsMedian: median(jsMs),
    jsMsP95: p95(jsMs),
    frameMsMean: mean(gameFrameMs),
    tickApplyMsMean: mean(tickMs),
    tickApplyMsMedian: median(tickMs),
    renderMsMean: mean(renderMs),
  };
  if (keep !== true) {
    game.destroy();
    scene.destroy();
  }
  return result;
};
