import {
  SERVER_IDENTITY,
  TickspaceError,
  type Engine,
  type Logger,
  type TableStore,
  type TickRecord,
} from '../engine';
import type { Fabric, FabricSubscription } from '../fabric';
import {
  decodeGhostMessage,
  encodeGhostMessage,
  ghostSubject,
  DEFAULT_MAX_GHOST_BYTES,
  type GhostMessage,
} from './ghost-messages';
import { GHOST_REDUCERS } from './ghost-reducers';
import { distanceToRect, rectGap, type RegionGrid, type RegionRect } from './region-grid';

/** Default {@link GhostRelayOptions.keyframeTicks}: a keyframe a second at 20 Hz. */
export const DEFAULT_GHOST_KEYFRAME_TICKS = 20;
/** Default {@link GhostRelayOptions.staleTicks}: three keyframes missed. */
export const DEFAULT_GHOST_STALE_TICKS = 60;

/** Options for {@link GhostRelay}. */
export interface GhostRelayOptions {
  /** The region's engine; its module has the ghost kit (`ghostTables`, `ghostKit(...).reducers`). */
  readonly engine: Engine<any>;
  readonly fabric: Fabric;
  readonly region: string;
  readonly grid: RegionGrid;
  /** The mirrored table (spatial, keyed by the entity id): the ghost kit's `table`. */
  readonly table: string;
  /**
   * How far past its own rectangle into a neighbour's reach a row is mirrored there: at least the
   * clients' area-of-interest radius (with its exit hysteresis) plus a couple of ticks of
   * movement, so that a client at the border sees every row on the other side it would see on
   * its own. Rows of this region within this distance of a neighbour's rectangle go to it.
   */
  readonly bandTiles: number;
  /** Every this many ticks each neighbour gets a keyframe (every row in its band). @default 20 */
  readonly keyframeTicks?: number;
  /** A ghost its owner has not spoken of for more than this many ticks is dropped. @default 60 */
  readonly staleTicks?: number;
  /** Larger ghost messages are refused before parsing. @default 512 KiB */
  readonly maxGhostBytes?: number;
  /** @default console */
  readonly logger?: Logger;
}

/** What a ghost relay did, for tests and metrics. */
export interface GhostRelayCounts {
  /** Messages sent (deltas and keyframes), and of them keyframes. */
  sent: number;
  keyframes: number;
  /** Rows sent in them. */
  rowsSent: number;
  /** Messages received and queued as `ghost_apply`. */
  received: number;
  /** Messages refused (size, shape, addressee) before any call. */
  invalid: number;
  /** `ghost_apply` calls that failed or could not be queued. */
  applyFailures: number;
  /** `ghost_expire` calls made (each drops every ghost stale by then). */
  expiries: number;
}

/**
 * Mirrors a region's border rows into its neighbours and keeps theirs here, over core fabric
 * messages (at most once: ghosts are a view, the owner's log is the record).
 *
 * - After each durable tick (the engine's fan-out) it sends each neighbour a delta: the rows of
 *   the mirrored table this region owns that changed inside the neighbour's band, the ones that
 *   left it (`gone`) and the ones handed to another region (`moved`); every `keyframeTicks` ticks
 *   a keyframe with every row in the band instead, which repairs whatever a lost message broke.
 * - Each message received becomes a logged `ghost_apply` call (a view the region's log records,
 *   so `asOf` and replay see the ghosts it held); a ghost its owner has not spoken of for
 *   `staleTicks` ticks goes by a logged `ghost_expire`.
 */
export class GhostRelay {
  readonly counts: GhostRelayCounts = {
    sent: 0,
    keyframes: 0,
    rowsSent: 0,
    received: 0,
    invalid: 0,
    applyFailures: 0,
    expiries: 0,
  };
  readonly #o: GhostRelayOptions;
  readonly #logger: Logger;
  readonly #keyframeTicks: number;
  readonly #staleTicks: number;
  readonly #neighbours: readonly RegionRect[];
  /** Per neighbour: the entities it holds as ghosts of ours, as far as our messages told it. */
  readonly #sent = new Map<string, Set<string>>();
  #nextKeyframe = 0;
  #expiring = false;
  #subscription: FabricSubscription | undefined;
  #unhook: (() => void) | undefined;

  /** @throws TickspaceError INVALID_ARGUMENT for a region not in the grid, a band below 0, or staleTicks not above keyframeTicks. */
  constructor(options: GhostRelayOptions) {
    this.#o = options;
    this.#logger = options.logger ?? console;
    this.#keyframeTicks = options.keyframeTicks ?? DEFAULT_GHOST_KEYFRAME_TICKS;
    this.#staleTicks = options.staleTicks ?? DEFAULT_GHOST_STALE_TICKS;
    const here = options.grid.regions.find((r) => r.name === options.region);
    const bad = (message: string) =>
      new TickspaceError('INVALID_ARGUMENT', `ghost relay of ${options.region}: ${message}`, {
        details: { region: options.region },
      });
    if (here === undefined) throw bad('no such region in the grid');
    if (!(options.bandTiles >= 0)) throw bad(`bandTiles must be 0 or more, got ${options.bandTiles}`);
    if (!(Number.isInteger(this.#keyframeTicks) && this.#keyframeTicks >= 1))
      throw bad(`keyframeTicks must be a whole number >= 1, got ${this.#keyframeTicks}`);
    // A live neighbour must refresh a still ghost (by a keyframe) before it counts as stale.
    if (!(Number.isInteger(this.#staleTicks) && this.#staleTicks > this.#keyframeTicks))
      throw bad(
        `staleTicks (${this.#staleTicks}) must be a whole number above keyframeTicks (${this.#keyframeTicks})`,
      );
    this.#neighbours = options.grid.regions.filter(
      (r) => r !== here && rectGap(here, r) <= options.bandTiles,
    );
    for (const n of this.#neighbours) this.#sent.set(n.name, new Set());
  }

  /** The regions this one mirrors rows into (those within `bandTiles` of its rectangle). */
  get neighbours(): readonly string[] {
    return this.#neighbours.map((n) => n.name);
  }

  /** Subscribes to the ghosts sent to this region and starts sending its own after each tick. */
  async start(): Promise<void> {
    this.#subscription = await this.#o.fabric.subscribe(`ts.ghost.*.${this.#o.region}`, (subject, data) =>
      this.#receive(subject, data),
    );
    // The first tick after a start sends keyframes: a restarted neighbour learns everything at once.
    this.#nextKeyframe = 0;
    this.#unhook = this.#o.engine.onTick((record) => this.#afterTick(record));
  }

  /** Stops sending and receiving. Ghosts held stay; a relay started again expires the stale ones. */
  async stop(): Promise<void> {
    this.#unhook?.();
    this.#unhook = undefined;
    await this.#subscription?.stop();
    this.#subscription = undefined;
  }

  #tables(): { store: TableStore; ghosts: TableStore } {
    const tables = this.#o.engine.tables;
    return { store: tables[this.#o.table]!, ghosts: tables.ts_ghost! };
  }

  #afterTick(record: TickRecord): void {
    const { store, ghosts } = this.#tables();
    if (record.tick >= this.#nextKeyframe) {
      this.#nextKeyframe = record.tick + this.#keyframeTicks;
      this.#keyframes(record.tick, store, ghosts);
    } else this.#deltas(record, store, ghosts);
    this.#expireStale(record.tick, ghosts);
  }

  #inBand(n: RegionRect, store: TableStore, row: Record<string, unknown>): boolean {
    return (
      distanceToRect(n, row[store.spatialX!] as number, row[store.spatialY!] as number) <= this.#o.bandTiles
    );
  }

  #keyframes(tick: number, store: TableStore, ghosts: TableStore): void {
    const band = this.#o.bandTiles;
    // Entities handed from here whose new owner has not spoken of them yet: a keyframe leaves them
    // out, and must not make a neighbour drop the copy it holds (a despawn before the respawn).
    const moved: [string, string][] = [];
    const held = ghosts.rowsView();
    for (let i = 0; i < held.length; i++)
      if (held[i]!.pending === true) moved.push([held[i]!.entity as string, held[i]!.owner as string]);
    for (const n of this.#neighbours) {
      const rows: Record<string, unknown>[] = [];
      const sent = new Set<string>();
      for (const row of store.withinRect(n.minX - band, n.minY - band, n.maxX + band, n.maxY + band)) {
        const key = store.keyOf(row) as string;
        if (ghosts.has(key) || !this.#inBand(n, store, row)) continue;
        rows.push(row);
        sent.add(key);
      }
      this.#sent.set(n.name, sent);
      this.#send({
        kind: 'ghost',
        from: this.#o.region,
        to: n.name,
        tick,
        keyframe: true,
        rows,
        gone: [],
        moved,
      });
    }
  }

  #deltas(record: TickRecord, store: TableStore, ghosts: TableStore): void {
    const changed = new Set<string>();
    const changes = record.changes;
    for (let i = 0; i < changes.length; i++) {
      const op = changes[i]!;
      if (op.tableId !== store.id) continue;
      changed.add(store.keyOf((op.newRow ?? op.oldRow)!) as string);
    }
    if (changed.size === 0) return;
    for (const n of this.#neighbours) {
      const sent = this.#sent.get(n.name)!;
      const rows: Record<string, unknown>[] = [];
      const gone: string[] = [];
      const moved: [string, string][] = [];
      for (const key of changed) {
        const row = store.find(key);
        const ghost = ghosts.find(key) as { owner: string } | undefined;
        if (row !== undefined && ghost === undefined && this.#inBand(n, store, row)) {
          rows.push(row);
          sent.add(key);
        } else if (sent.delete(key)) {
          // Handed over (its row is a ghost of the new owner here): the neighbour keeps its copy
          // for the new owner to refresh, instead of a despawn before the respawn.
          if (ghost !== undefined) moved.push([key, ghost.owner]);
          else gone.push(key);
        }
      }
      if (rows.length + gone.length + moved.length > 0)
        this.#send({
          kind: 'ghost',
          from: this.#o.region,
          to: n.name,
          tick: record.tick,
          keyframe: false,
          rows,
          gone,
          moved,
        });
    }
  }

  #send(message: GhostMessage): void {
    this.#o.fabric.send(ghostSubject(message.from, message.to), encodeGhostMessage(message));
    this.counts.sent++;
    if (message.keyframe) this.counts.keyframes++;
    this.counts.rowsSent += message.rows.length;
  }

  #expireStale(tick: number, ghosts: TableStore): void {
    if (this.#expiring) return;
    const rows = ghosts.rowsView();
    let stale = false;
    for (let i = 0; i < rows.length && !stale; i++)
      stale = tick - (rows[i]!.seenTick as number) > this.#staleTicks;
    if (!stale) return;
    this.#expiring = true;
    this.counts.expiries++;
    void this.#o.engine
      .call(SERVER_IDENTITY, GHOST_REDUCERS.EXPIRE, { staleTicks: this.#staleTicks })
      .catch(() => {
        this.counts.applyFailures++;
      })
      .finally(() => {
        this.#expiring = false;
      });
  }

  #receive(subject: string, data: Uint8Array): void {
    let text: string;
    try {
      const m = decodeGhostMessage(data, {
        maxGhostBytes: this.#o.maxGhostBytes ?? DEFAULT_MAX_GHOST_BYTES,
        subject,
      });
      if (m.to !== this.#o.region || subject !== ghostSubject(m.from, m.to))
        throw new TickspaceError(
          'INVALID_GHOST',
          `ghost message on ${subject} is from ${m.from} to ${m.to}: not for ${this.#o.region} on this subject`,
        );
      text = new TextDecoder().decode(data);
    } catch (error) {
      // Dropped: the sender's next keyframe says it all again, and its log still has every row.
      this.counts.invalid++;
      this.#logger.warn(`region ${this.#o.region}: refused ${(error as Error).message}`);
      return;
    }
    this.counts.received++;
    try {
      this.#o.engine.enqueue(SERVER_IDENTITY, GHOST_REDUCERS.APPLY, { message: text }, (result) => {
        if (result.ok) return;
        this.counts.applyFailures++;
        this.#logger.warn(
          `region ${this.#o.region}: ghost_apply from ${subject} failed: ${result.code} ${result.message}`,
        );
      });
    } catch (error) {
      this.counts.applyFailures++;
      this.#logger.warn(
        `region ${this.#o.region}: ghost_apply from ${subject} not queued: ${(error as Error).message}`,
      );
    }
  }
}
