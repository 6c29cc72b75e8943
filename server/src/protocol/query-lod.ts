import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';

/**
 * Level of detail of a circle query (`near` or `follow`): rows within `radius` of the centre are
 * updated every tick; the query's other rows (its outer band) every `every` ticks, each time with
 * their state as of that tick (intermediate states are coalesced, never queued). Inserts and
 * deletes, rows entering and leaving the area, arrive at once whatever the band, and a row that
 * comes within `radius` is brought up to date in that very tick.
 * @example
 * conn.subscribe({ table: 'entity', follow: { table: 'entity', key: me, radius: 120 }, lod: { radius: 40, every: 4 } });
 */
export interface LodSpec {
  /** Distance from the centre within which rows update every tick (finite, >= 0). */
  readonly radius: number;
  /**
   * The outer band's update interval in ticks: an integer from 2 to the server's `maxLodEvery`
   * (default 20). The band of query `q` of subscriber `h` refreshes at the ticks `t` with
   * `(t + h + q) % every === 0`, so clients' refreshes spread over the interval.
   */
  readonly every: number;
}

/**
 * Set in the query's tag byte when a level-of-detail declaration follows the kind's own part
 * (protocol version 5): `f64 radius, uvar every`. A query without it is encoded as in version 4.
 */
export const LOD_FLAG = 0x40;

/** The first protocol version whose queries may carry a {@link LodSpec}. */
export const LOD_VERSION = 5;

/** Writes a level-of-detail declaration (after the kind's part; the flag is in the tag). */
export function encodeLod(w: BinaryWriter, lod: LodSpec): void {
  w.f64(lod.radius).uvar(lod.every);
}

/** Reads what {@link encodeLod} wrote; the values are the subscription engine's to validate. */
export function decodeLod(r: BinaryReader): LodSpec {
  return { radius: r.f64(), every: r.uvar() };
}

/**
 * What is wrong with a level-of-detail declaration, or undefined when it is well formed: a
 * finite radius >= 0 and an integer interval from 2 to `maxEvery`. Shared by the SDK (before it
 * sends) and the server (which also knows its own `maxLodEvery`).
 */
export function lodProblem(lod: unknown, maxEvery = Number.MAX_SAFE_INTEGER): string | undefined {
  if (typeof lod !== 'object' || lod === null) return 'lod must be an object { radius, every }';
  const { radius, every } = lod as Record<string, unknown>;
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius < 0)
    return `lod.radius must be a finite number >= 0 (got ${String(radius)})`;
  if (typeof every !== 'number' || !Number.isInteger(every) || every < 2)
    return `lod.every must be an integer >= 2 (got ${String(every)})`;
  if (every > maxEvery) return `lod.every is ${every}, more than maxLodEvery (${maxEvery})`;
  return undefined;
}
