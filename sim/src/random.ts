import seedrandom from 'seedrandom';

/**
 * A seeded source of random numbers with the distributions the human model needs. Every random
 * choice in the simulator goes through one of these, so a run is a function of its seed.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Normal (Box-Muller). */
  normal(mean: number, sd: number): number;
  /** Exponential with the given mean. */
  exponential(mean: number): number;
  /**
   * Ex-Gaussian: a normal(mu, sigma) plus an exponential with mean tau; the classic shape of human
   * reaction times (a fast Gaussian core and a long right tail of lapses).
   */
  exGaussian(mu: number, sigma: number, tau: number): number;
  /** Log-normal: exp(normal(mu, sigma)); `mu` and `sigma` are on the log scale. */
  logNormal(mu: number, sigma: number): number;
  /** Log-logistic with scale `alpha` (the median) and shape `beta`. */
  logLogistic(alpha: number, beta: number): number;
  /** Weibull with scale `lambda` and shape `k` (k < 1: heavy tail). */
  weibull(lambda: number, k: number): number;
  /** One element, uniformly. @throws RangeError on an empty array */
  pick<T>(items: readonly T[]): T;
  /** One element, with probability proportional to its weight. @throws RangeError if no weight is positive */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** An independent generator derived from this one's seed and a label (stable across runs). */
  fork(label: string): Rng;
  /** The seed this generator was created from. */
  readonly seed: string;
}

class SeededRng implements Rng {
  readonly seed: string;
  readonly #prng: () => number;
  #spare = Number.NaN;

  constructor(seed: string) {
    this.seed = seed;
    this.#prng = seedrandom.alea(seed);
  }

  next(): number {
    return this.#prng();
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.#prng();
  }

  int(n: number): number {
    return Math.floor(this.#prng() * n);
  }

  chance(p: number): boolean {
    return this.#prng() < p;
  }

  normal(mean: number, sd: number): number {
    // Box-Muller gives two draws; keeping the spare halves the cost and keeps the sequence fixed.
    if (!Number.isNaN(this.#spare)) {
      const z = this.#spare;
      this.#spare = Number.NaN;
      return mean + sd * z;
    }
    let u = 0;
    while (u === 0) u = this.#prng();
    const v = this.#prng();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.#prng());
  }

  exGaussian(mu: number, sigma: number, tau: number): number {
    return this.normal(mu, sigma) + this.exponential(tau);
  }

  logNormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  logLogistic(alpha: number, beta: number): number {
    const u = Math.min(Math.max(this.#prng(), 1e-12), 1 - 1e-12);
    return alpha * Math.pow(u / (1 - u), 1 / beta);
  }

  weibull(lambda: number, k: number): number {
    return lambda * Math.pow(-Math.log(1 - this.#prng()), 1 / k);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty array');
    return items[this.int(items.length)]!;
  }

  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (let i = 0; i < items.length; i++) total += Math.max(0, weights[i] ?? 0);
    if (!(total > 0)) throw new RangeError('weighted pick: no positive weight');
    let r = this.#prng() * total;
    for (let i = 0; i < items.length; i++) {
      r -= Math.max(0, weights[i] ?? 0);
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }

  fork(label: string): Rng {
    return new SeededRng(`${this.seed}/${label}`);
  }
}

/**
 * Creates a seeded generator (seedrandom's Alea: fast, and identical on every platform).
 * @example
 * const rng = createRng('trial-1');
 * const reactionMs = rng.exGaussian(300, 40, 80);
 */
export function createRng(seed: string): Rng {
  return new SeededRng(seed);
}

/** Clamps `value` into [min, max]. */
export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
