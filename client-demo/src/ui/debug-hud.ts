import { h } from './dom';

/** What the HUD shows; the game fills it every frame (cheap: numbers only). */
export interface HudStats {
  tick: number;
  pingMs: number;
  fps: number;
  entitiesInView: number;
  players: number;
  chunks: number;
  bytesInPerSec: number;
  bytesOutPerSec: number;
  frameJsMs: number;
  x: number;
  y: number;
  corrections: number;
}

/** HUD figures before the first frame: all zero, the ping unknown. */
export function emptyHudStats(): HudStats {
  return {
    tick: 0,
    pingMs: NaN,
    fps: 0,
    entitiesInView: 0,
    players: 0,
    chunks: 0,
    bytesInPerSec: 0,
    bytesOutPerSec: 0,
    frameJsMs: 0,
    x: 0,
    y: 0,
    corrections: 0,
  };
}

function kb(bytes: number): string {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB/s` : `${Math.round(bytes)} B/s`;
}

/**
 * The F3 overlay: tick, ping, entities in view, bytes per second in and out, frame time. Text is
 * rewritten at most 4 times a second, so the overlay costs nothing measurable.
 */
export class DebugHud {
  readonly element = h('pre', { class: 'hud', hidden: true, 'data-panel': 'hud' });
  #lastMs = 0;

  get visible(): boolean {
    return !this.element.hidden;
  }

  toggle(visible = this.element.hidden): boolean {
    this.element.hidden = !visible;
    this.#lastMs = 0;
    return visible;
  }

  /** Updates the text if visible and due. */
  update(stats: HudStats, nowMs: number): void {
    if (this.element.hidden || nowMs - this.#lastMs < 250) return;
    this.#lastMs = nowMs;
    this.element.dataset.tick = String(stats.tick);
    this.element.dataset.entities = String(stats.entitiesInView);
    this.element.textContent = [
      `tick      ${stats.tick}`,
      `ping      ${Number.isFinite(stats.pingMs) ? `${stats.pingMs.toFixed(0)} ms` : '–'}`,
      `fps       ${stats.fps.toFixed(0)}   js ${stats.frameJsMs.toFixed(2)} ms/frame`,
      `entities  ${stats.entitiesInView} in view (${stats.players} players)`,
      `chunks    ${stats.chunks}`,
      `net in    ${kb(stats.bytesInPerSec)}`,
      `net out   ${kb(stats.bytesOutPerSec)}`,
      `pos       ${stats.x.toFixed(2)}, ${stats.y.toFixed(2)}`,
      `reconcile ${stats.corrections}`,
    ].join('\n');
  }
}
