/**
 * Client-side prediction of the local player. The server is the authority (it moves players with
 * rapier against terrain and buildings); the client moves its own figure at once from the keys,
 * with a cheap collision test, and pulls it toward where the server says it is, so input feels
 * immediate and the figure never drifts away from the truth.
 */

/** How close to its stop distance a walk to a target counts as arrived, tiles (the server's `WALK_STOP_SLACK_TILES`). */
const WALK_STOP_SLACK_TILES = 1e-3;

/** What prediction needs to know about the world around the player (tiles). */
export interface PredictionWorld {
  /** Whether a circle of `radius` at (x, y) overlaps something that blocks movement. */
  blocked(x: number, y: number, radius: number): boolean;
  /** Terrain speed factor at (x, y). */
  speedFactor(x: number, y: number): number;
}

/** Options of {@link Predictor}. */
export interface PredictorOptions {
  /** Player speed, tiles per second (from `settings`). */
  readonly speedTilesPerSec: number;
  /** Player collision radius, tiles (from `settings`). */
  readonly radiusTiles: number;
  /** An error larger than this (tiles) snaps instead of blending: a teleport or a long stall. @default 2.5 */
  readonly snapTiles?: number;
  /** Fraction of the remaining error corrected per server update while moving. @default 0.25 */
  readonly correction?: number;
  /**
   * While both the player and the server stand still, the figure glides onto the server's position
   * at this rate (the error left after one second is `exp(-settleRate)`): no update comes while
   * nothing moves, so this correction runs per frame.
   * @default 8
   */
  readonly settleRate?: number;
  /** Longest lead (ms) the server position is extrapolated by when comparing. @default 250 */
  readonly maxLeadMs?: number;
  /** Longest time one `step` integrates, ms (longer stalls are left to reconciliation). @default 500 */
  readonly maxStepMs?: number;
}

/**
 * Predicts the local player's position (tiles).
 *
 * @example
 * const p = new Predictor({ speedTilesPerSec: 5, radiusTiles: 0.3 });
 * p.reset(10, 10);
 * p.setInput(1, 0);
 * p.step(200, openWorld); // p.x -> 11
 */
export class Predictor {
  /** Predicted position, tiles. */
  x = 0;
  y = 0;
  /** Current input direction (length <= 1). */
  dirX = 0;
  dirY = 0;
  #initialized = false;
  readonly #speed: number;
  readonly #radius: number;
  readonly #snap: number;
  readonly #correction: number;
  readonly #maxLead: number;
  readonly #settleRate: number;
  readonly #maxStepMs: number;
  /** Last authoritative sample, for the server's observed velocity. */
  #serverX = NaN;
  #serverY = NaN;
  #serverT = NaN;
  #serverVx = 0;
  #serverVy = 0;
  /** The `walk_to` target being predicted, if any (stop distance in tiles). */
  #target: { x: number; y: number; stopTiles: number } | undefined;
  /** Corrections applied (for the HUD and tests). */
  corrections = 0;
  snaps = 0;

  constructor(options: PredictorOptions) {
    this.#speed = options.speedTilesPerSec;
    this.#radius = options.radiusTiles;
    this.#snap = options.snapTiles ?? 2.5;
    this.#correction = options.correction ?? 0.25;
    this.#maxLead = options.maxLeadMs ?? 250;
    this.#settleRate = options.settleRate ?? 8;
    this.#maxStepMs = options.maxStepMs ?? 500;
  }

  /** Whether a server position was ever applied. */
  get initialized(): boolean {
    return this.#initialized;
  }

  /** Jumps to a position and forgets history (join, reconnect, teleport). */
  reset(x: number, y: number): void {
    this.x = x;
    this.y = y;
    this.#serverX = x;
    this.#serverY = y;
    this.#serverT = NaN;
    this.#serverVx = 0;
    this.#serverVy = 0;
    this.#initialized = true;
  }

  /** Whether a walk to a target ({@link walkTo}) is still under way. */
  get hasTarget(): boolean {
    return this.#target !== undefined;
  }

  /**
   * Predicts a `walk_to`: straight at (x, y), stopping `stopTiles` from it with the last step cut
   * short, as the server's physics step does, so the figure stops where the server's will.
   */
  walkTo(x: number, y: number, stopTiles: number): void {
    this.#target = { x, y, stopTiles };
    this.#aim();
  }

  /** Sets the input direction (clamped to length 1); ends a walk to a target. */
  setInput(dx: number, dy: number): void {
    this.#target = undefined;
    const len = Math.hypot(dx, dy);
    this.dirX = len > 1 ? dx / len : dx;
    this.dirY = len > 1 ? dy / len : dy;
  }

  /**
   * Advances the prediction by `dtMs` with the current input, sliding along blockers axis by axis;
   * while idle (no input, the server's figure at rest) settles onto the server's position.
   */
  step(dtMs: number, world: PredictionWorld): void {
    if (!this.#initialized) return;
    if (this.dirX === 0 && this.dirY === 0) {
      if (this.#serverVx !== 0 || this.#serverVy !== 0 || Number.isNaN(this.#serverX)) return;
      const keep = Math.exp((-this.#settleRate * Math.max(0, dtMs)) / 1000);
      // Axis by axis against blockers, like a step: a straight glide toward the server's spot can
      // clip a wall corner. Held up by a corner, the figure joins the server's (free) spot at once.
      const nx = this.#serverX + (this.x - this.#serverX) * keep;
      const ny = this.#serverY + (this.y - this.#serverY) * keep;
      const movedX = !world.blocked(nx, this.y, this.#radius);
      if (movedX) this.x = nx;
      const movedY = !world.blocked(this.x, ny, this.#radius);
      if (movedY) this.y = ny;
      if ((!movedX || !movedY) && !world.blocked(this.#serverX, this.#serverY, this.#radius)) {
        this.x = this.#serverX;
        this.y = this.#serverY;
      }
      return;
    }
    // Substeps of at most 50 ms, so a slow frame cannot tunnel through a wall; a stall longer
    // than maxStepMs (a background tab) is not replayed at all: reconciliation catches up.
    let left = Math.min(Math.max(0, dtMs), this.#maxStepMs);
    while (left > 0 && (this.dirX !== 0 || this.dirY !== 0)) {
      const dt = Math.min(left, 50) / 1000;
      left -= 50;
      let v = this.#speed * world.speedFactor(this.x, this.y) * dt;
      if (this.#target !== undefined) v = Math.min(v, this.#aim());
      const nx = this.x + this.dirX * v;
      if (!world.blocked(nx, this.y, this.#radius)) this.x = nx;
      const ny = this.y + this.dirY * v;
      if (!world.blocked(this.x, ny, this.#radius)) this.y = ny;
      if (this.#target !== undefined) this.#aim();
    }
  }

  /**
   * Points the input at the target and returns how far is left to its stop distance; within
   * {@link WALK_STOP_SLACK_TILES} of it, stops and forgets the target (the server's rule).
   */
  #aim(): number {
    const t = this.#target!;
    const d = Math.hypot(t.x - this.x, t.y - this.y);
    const left = d - t.stopTiles;
    if (left <= WALK_STOP_SLACK_TILES) {
      this.#target = undefined;
      this.dirX = 0;
      this.dirY = 0;
      return 0;
    }
    this.dirX = (t.x - this.x) / d;
    this.dirY = (t.y - this.y) / d;
    return left;
  }

  /**
   * Reconciles with an authoritative position at server time `serverTimeMs`. `serverDirX/Y` is the
   * intent the server holds; while it differs from the local input the server has not seen the
   * latest key yet, and only a large error (a snap) is corrected. `leadMs` is how far the local
   * prediction runs ahead of the server's clock (about half a round trip plus a tick).
   */
  reconcile(
    serverX: number,
    serverY: number,
    serverDirX: number,
    serverDirY: number,
    serverTimeMs: number,
    leadMs: number,
  ): void {
    if (!this.#initialized) return this.reset(serverX, serverY);
    if (!Number.isNaN(this.#serverT) && serverTimeMs > this.#serverT) {
      const dt = (serverTimeMs - this.#serverT) / 1000;
      this.#serverVx = (serverX - this.#serverX) / dt;
      this.#serverVy = (serverY - this.#serverY) / dt;
    }
    // A server that no longer wants to move is at rest, whatever the last two samples said.
    if (serverDirX === 0 && serverDirY === 0) {
      this.#serverVx = 0;
      this.#serverVy = 0;
    }
    this.#serverX = serverX;
    this.#serverY = serverY;
    this.#serverT = serverTimeMs;
    const lead = Math.min(Math.max(0, leadMs), this.#maxLead) / 1000;
    const ex = serverX + this.#serverVx * lead - this.x;
    const ey = serverY + this.#serverVy * lead - this.y;
    const err = Math.hypot(ex, ey);
    if (err > this.#snap) {
      this.x = serverX;
      this.y = serverY;
      this.snaps++;
      return;
    }
    const acked = Math.abs(serverDirX - this.dirX) < 1e-3 && Math.abs(serverDirY - this.dirY) < 1e-3;
    if (!acked || err < 1e-4) return;
    this.x += ex * this.#correction;
    this.y += ey * this.#correction;
    this.corrections++;
  }
}
