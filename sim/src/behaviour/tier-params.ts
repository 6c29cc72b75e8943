import { TickspaceError } from '@tickspace/server/protocol';
import { clamp, createRng, type Rng } from '../random';

/**
 * How one numeric parameter of a tier may vary when {@link perturbParams} draws a variant: by a
 * log-normal factor (`spread` on the log scale) for scales, or by a normal shift for offsets such
 * as an hour of the day, then clamped into `[min, max]` (and rounded for counts).
 */
export interface ParamRange {
  readonly min: number;
  readonly max: number;
  /** 'scale': multiplied by exp(normal(0, spread)); 'shift': plus normal(0, spread). @default 'scale' */
  readonly kind?: 'scale' | 'shift';
  /** @default 0.35 for scales, 1 for shifts */
  readonly spread?: number;
  /** Rounded to a whole number (counts). @default false */
  readonly integer?: boolean;
}

/** Which fields of a params object vary, and how; fields left out are kept as they are. */
export type ParamRanges<P> = { readonly [K in keyof P]?: P[K] extends number ? ParamRange : never };

/**
 * Draws a variant of a tier's parameters: every field named in `ranges` moves by its own seeded
 * draw and stays in its range. A test builds a population from variants to check that a detector
 * does not lean on one exact value of how the simulation writes a tier. Same seed, same variant.
 * @example
 * const variant = perturbParams({ periodMs: 500 }, { periodMs: { min: 100, max: 5_000 } }, 'v1');
 */
export function perturbParams<P extends object>(params: P, ranges: ParamRanges<P>, seed: string | Rng): P {
  const rng = typeof seed === 'string' ? createRng(`tier-params/${seed}`) : seed;
  const out = { ...params } as Record<string, unknown>;
  // Keys in a fixed order, so a variant depends only on the seed and the ranges.
  for (const key of Object.keys(ranges).sort()) {
    const range = (ranges as Record<string, ParamRange | undefined>)[key];
    const value = out[key];
    if (range === undefined || typeof value !== 'number') continue;
    const moved =
      range.kind === 'shift'
        ? value + rng.normal(0, range.spread ?? 1)
        : value * Math.exp(rng.normal(0, range.spread ?? 0.35));
    const clamped = clamp(moved, range.min, range.max);
    out[key] = range.integer === true ? Math.round(clamped) : clamped;
  }
  return out as P;
}

/**
 * Merges overrides into defaults, refusing keys the defaults do not have (a typo would be silent otherwise).
 * @throws TickspaceError INVALID_ARGUMENT for an unknown field
 */
export function withDefaults<P extends object>(
  defaults: P,
  overrides: Partial<P> | undefined,
  tier: string,
): P {
  if (overrides === undefined) return defaults;
  for (const key of Object.keys(overrides))
    if (!(key in defaults))
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `${tier} params: unknown field '${key}'; fields are ${Object.keys(defaults).join(', ')}`,
        { details: { tier, field: key } },
      );
  return { ...defaults, ...overrides };
}
