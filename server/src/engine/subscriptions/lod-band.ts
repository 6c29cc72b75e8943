import type { LodSpec } from '../../protocol/query-lod';
import type { AnyRow } from '../change-set';

/**
 * The level of detail of one circle query: its near radius, its outer band's interval and phase,
 * and the member rows whose client copy lags (changed while in the outer band, not yet refreshed).
 *
 * The rules, applied by the spatial passes and {@link Subscriptions} at the end of each tick:
 * an update of a row within the near radius (measured on the row now, from the centre now) goes
 * out at once; an update of an outer-band row goes out at once on the band's refresh tick and is
 * otherwise held back, the row becoming lagging. A lagging row is brought up to date, as one
 * update from the row the client holds to the row now, in the first tick in which it is near or
 * its band refreshes. Entering and leaving rows are inserted and deleted at once, whatever the
 * band; a leaving row stops lagging. So an outer-band row's copy is never more than `every - 1`
 * ticks old.
 */
export class LodBand {
  readonly nearR2: number;
  readonly every: number;
  /** The band refreshes at ticks `t` with `(t + phase) % every === 0`. */
  readonly phase: number;
  /**
   * Row map key -> the lagging row as the client last received it (its key is the row's own; no
   * record is allocated per held row). Insertion order: deterministic flushes.
   */
  readonly lagging = new Map<unknown, AnyRow>();
  /** Set when a lagging row changed this tick while near or refreshing: the end-of-tick walk flushes it. */
  flushDue = false;
  /**
   * A lower bound of how far every lagging row lies beyond the near radius, from the centre now:
   * a moving centre needs to walk the lagging rows only once it has used that margin up (a
   * following circle moves every tick; its rows mostly do not come near).
   */
  slack = Infinity;
  /**
   * The smallest squared distance of a row held back since the last {@link walkDue}: the slack
   * takes it in once per tick, so holding a row costs no square root.
   */
  #heldD2 = Infinity;

  /**
   * @param subscriber the subscriber's handle and `queryId` its query id: they choose the phase,
   *   so that clients' refreshes spread over the interval.
   */
  constructor(spec: LodSpec, subscriber: number, queryId: number) {
    this.nearR2 = spec.radius * spec.radius;
    this.every = spec.every;
    this.phase = (subscriber + queryId) % spec.every;
  }

  /** Whether the outer band refreshes in `tick`. */
  refreshes(tick: number): boolean {
    return (tick + this.phase) % this.every === 0;
  }

  /**
   * Decides an update of a member row that stayed a member: false to send it now (the diff of the
   * tick), true when it is held back (the row lags, or lagged already and the end-of-tick walk
   * brings it up to date). `d2` is the row's squared distance from the centre now.
   */
  hold(tick: number, mk: unknown, old: AnyRow, d2: number): boolean {
    const due = d2 <= this.nearR2 || this.refreshes(tick);
    const lagging = this.lagging;
    if (!lagging.has(mk)) {
      if (due) return false;
      lagging.set(mk, old);
    } else if (due) {
      this.flushDue = true;
      return true;
    }
    if (d2 < this.#heldD2) this.#heldD2 = d2;
    return true;
  }

  /**
   * {@link hold} for a row of a cell that lies wholly beyond the near radius, in a tick in which the
   * band does not refresh: the update is held back, whatever the row's distance. The caller gives
   * the slack the cell's margin once ({@link keepCellMargin}), so nothing here is per-row arithmetic.
   */
  holdFar(mk: unknown, old: AnyRow): void {
    const lagging = this.lagging;
    if (!lagging.has(mk)) lagging.set(mk, old);
  }

  /** Lowers the slack to `margin`, the distance beyond the near radius of a whole cell's rows. */
  keepCellMargin(margin: number): void {
    if (margin < this.slack) this.slack = margin;
  }

  /** Lowers the slack to the margin of a lagging row at squared distance `d2` (beyond the near radius). */
  #margin(d2: number): void {
    const m = Math.sqrt(d2) - Math.sqrt(this.nearR2);
    if (m < this.slack) this.slack = m;
  }

  /**
   * Recomputes the slack exactly from the lagging rows' squared distances now (the end-of-tick
   * walk, which has them at hand); call {@link resetSlack} first.
   */
  keepMargin(d2: number): void {
    this.#margin(d2);
  }

  resetSlack(): void {
    this.slack = Infinity;
  }

  /** The row left the query (or the view was rebuilt): it no longer lags. */
  drop(mk: unknown): void {
    if (this.lagging.size > 0) this.lagging.delete(mk);
  }

  /**
   * Whether the end-of-tick walk has work this tick: the band refreshes, a lagging row is due, or
   * the centre moved `step` (this tick's move) and has used the slack up.
   */
  walkDue(tick: number, step: number): boolean {
    if (this.lagging.size === 0) return false;
    if (this.#heldD2 !== Infinity) {
      this.#margin(this.#heldD2);
      this.#heldD2 = Infinity;
    }
    // Rounding: a hair of margin, so that a row exactly at the near radius is still walked.
    if (step > 0) this.slack -= step * (1 + 1e-9) + 1e-9;
    return this.flushDue || this.slack <= 0 || this.refreshes(tick);
  }
}
