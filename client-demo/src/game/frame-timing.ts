/** Per-frame timing of our code (not the GPU): filled every frame, read by the HUD and the benchmark. */
export interface FrameTiming {
  /** JS time of the last frame's update, ms. */
  lastMs: number;
  /** Mean over the last {@link TIMING_WINDOW} frames, ms. */
  avgMs: number;
  frames: number;
}

/** Frames the HUD's frame-time mean covers. */
const TIMING_WINDOW = 60;

/** Longest frame step fed to the game, ms: a background tab must not teleport the camera. */
const MAX_FRAME_STEP_MS = 250;

/**
 * The frame clock: the step since the last frame (clamped), a smoothed fps, an animation phase,
 * and the JS time each frame spent in a ring of the last {@link TIMING_WINDOW} frames.
 */
export class FrameTimer {
  readonly timing: FrameTiming = { lastMs: 0, avgMs: 0, frames: 0 };
  /** Frames per second, smoothed. */
  fps = 60;
  /** Animation phase of ground markers (grows 1 per 150 ms). */
  phase = 0;
  #lastFrameAt = 0;
  readonly #ring = new Float64Array(TIMING_WINDOW);
  #sum = 0;

  /** Starts a frame at `nowMs`; returns the step since the last one, ms (16 for the first). */
  begin(nowMs: number): number {
    const dtMs = this.#lastFrameAt === 0 ? 16 : Math.min(MAX_FRAME_STEP_MS, nowMs - this.#lastFrameAt);
    this.#lastFrameAt = nowMs;
    this.fps += (1000 / Math.max(1, dtMs) - this.fps) * 0.05;
    this.phase += dtMs / 150;
    return dtMs;
  }

  /** Records the JS time the frame took, ms. */
  end(spentMs: number): void {
    const t = this.timing;
    const slot = t.frames % TIMING_WINDOW;
    this.#sum += spentMs - this.#ring[slot]!;
    this.#ring[slot] = spentMs;
    t.lastMs = spentMs;
    t.frames++;
    t.avgMs = this.#sum / Math.min(t.frames, TIMING_WINDOW);
  }
}
