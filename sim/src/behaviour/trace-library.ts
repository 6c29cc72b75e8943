import type { Rng } from '../random';

/** Kinds of timing a trace records. */
export const TRACE_KIND = {
  /** Delay from an update (action finished, call answered) to the next call. */
  REACTION: 'reaction',
  /** Delay before a fresh decision (new goal or target). */
  THINK: 'think',
  /** Delay between two steering corrections while walking. */
  STEER: 'steer',
  /** Heading error of a steering correction, radians. */
  HEADING: 'heading',
  /** An idle after finishing something (0 = none). */
  IDLE: 'idle',
  /** Length of a break, ms. */
  BREAK: 'break',
  /** Play between two breaks (or from a session's start to its first break), ms. */
  PLAY: 'play',
} as const;
/** One of {@link TRACE_KIND}. */
export type TraceKind = (typeof TRACE_KIND)[keyof typeof TRACE_KIND];

/** One recorded player: per kind, the values in the order they happened. */
export type Trace = Record<TraceKind, number[]>;

const emptyTrace = (): Trace => ({
  reaction: [],
  think: [],
  steer: [],
  heading: [],
  idle: [],
  break: [],
  play: [],
});

/**
 * Recorded human timing traces: what replay bots stitch together. Human agents append to it while
 * a recording run plays; it serialises to JSON so a library can be kept and reused.
 */
export class TraceLibrary {
  readonly #traces: Trace[] = [];

  /** Starts recording a new player; returns its trace to append to. */
  record(): Trace {
    const trace = emptyTrace();
    this.#traces.push(trace);
    return trace;
  }

  /** Traces with at least `min` values of every kind. */
  usable(min = 20): Trace[] {
    return this.#traces.filter(
      (t) => t.reaction.length >= min && t.think.length >= min && t.steer.length >= min,
    );
  }

  /**
   * Every trace itself, including those still being recorded: a bot reading them during the run
   * that records them samples what the humans did so far.
   */
  get traces(): readonly Trace[] {
    return this.#traces;
  }

  /** Number of recorded players. */
  get size(): number {
    return this.#traces.length;
  }

  toJSON(): Trace[] {
    return this.#traces;
  }

  /** A library from {@link TraceLibrary.toJSON}. */
  static fromJSON(traces: readonly Trace[]): TraceLibrary {
    const lib = new TraceLibrary();
    for (const t of traces) {
      const copy = lib.record();
      for (const k of Object.keys(copy) as TraceKind[]) copy[k].push(...(t[k] ?? []));
    }
    return lib;
  }
}

/**
 * Plays values back from a library, one cursor per kind: it reads a recorded player's values in
 * order and, after `stitchEvery` values or at the end of a trace, jumps to another player's trace
 * at a random point. That is how a replay bot borrows human timing without copying one human.
 */
export class TracePlayer {
  readonly #traces: readonly Trace[];
  readonly #rng: Rng;
  readonly #stitchEvery: number;
  readonly #cursor = new Map<TraceKind, { trace: number; pos: number; left: number }>();

  constructor(traces: readonly Trace[], rng: Rng, stitchEvery = 60) {
    this.#traces = traces;
    this.#rng = rng;
    this.#stitchEvery = stitchEvery;
  }

  /** The next value of a kind, or `fallback` if the library has none. */
  next(kind: TraceKind, fallback: number): number {
    if (this.#traces.length === 0) return fallback;
    let c = this.#cursor.get(kind);
    if (c === undefined || c.left <= 0 || c.pos >= this.#traces[c.trace]![kind].length) {
      const trace = this.#rng.int(this.#traces.length);
      const values = this.#traces[trace]![kind];
      if (values.length === 0) return fallback;
      c = { trace, pos: this.#rng.int(values.length), left: this.#stitchEvery };
      this.#cursor.set(kind, c);
    }
    c.left--;
    return this.#traces[c.trace]![kind][c.pos++] ?? fallback;
  }
}
