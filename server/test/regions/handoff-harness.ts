import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVER_IDENTITY } from '../../src/engine';
import { openDatabase, type Database } from '../../src/engine/tooling';
import { createMemoryFabric, type MemoryFabric, type MemoryFaults } from '../../src/fabric';
import {
  HandoffRelay,
  HANDOFF_OUTCOME,
  decodePayload,
  openPlayerDirectory,
  type HandoffPoint,
  type PlayerDirectory,
} from '../../src/regions';
import { regionModule, type PlayerPayload } from './region-fixture';

/** The sender's own commit, which the harness (not the relay) crashes before. */
export const BEFORE_SENDER_COMMIT = 'before_sender_commit';

type Module = ReturnType<typeof regionModule>;

interface Region {
  readonly name: string;
  readonly dir: string;
  db: Database<Module>;
  relay: HandoffRelay;
  /** handoff_out calls queued since the last tick. */
  queuedMoves: number;
}

const quiet = { error: () => {}, warn: () => {} };

/**
 * Regions over one in-process fabric, each a real engine with its commit log in a temp dir, the
 * real relay, and crashes: a crashed region's relay halts where it is and its database is
 * reopened from its log (recovery), losing whatever had not committed. Steps are driven one at
 * a time (ticks, deliveries, AckWait expiry, re-publishes) so a property test chooses the order.
 */
export class HandoffWorld {
  readonly fabric: MemoryFabric;
  readonly regions = new Map<string, Region>();
  /** Crash points that fired, with how often. */
  readonly hits = new Map<string, number>();
  readonly #root: string;
  readonly #armed = new Map<string, HandoffPoint>();
  readonly #crashNext = new Set<string>();
  readonly #capacity: Record<string, number>;
  directory!: PlayerDirectory;
  /** Every entity and item spawned, with the total quantity (the ledger). */
  readonly entities = new Set<string>();
  totalQty = 0;
  itemCount = 0;

  constructor(options: { seed: number; faults?: MemoryFaults; capacity?: Record<string, number> }) {
    this.fabric = createMemoryFabric({ seed: options.seed, faults: options.faults, manual: true });
    this.#root = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-handoff-'));
    this.#capacity = options.capacity ?? {};
  }

  async open(names: readonly string[]): Promise<void> {
    this.directory = await openPlayerDirectory(this.fabric);
    for (const name of names) {
      const dir = path.join(this.#root, name);
      const region = { name, dir, queuedMoves: 0 } as Region;
      this.regions.set(name, region);
      await this.#boot(region);
    }
  }

  async #boot(region: Region): Promise<void> {
    region.db = await openDatabase({
      dir: region.dir,
      module: regionModule(region.name, { capacity: this.#capacity[region.name] }),
      seed: 'handoff',
      durability: 'never',
      snapshotEveryTicks: 0,
      snapshotEveryBytes: 0,
      logger: quiet,
    });
    region.relay = new HandoffRelay({
      engine: region.db.engine,
      fabric: this.fabric,
      region: region.name,
      directory: this.directory,
      republishMs: 0,
      logger: quiet,
      fault: (point) => {
        if (this.#armed.get(region.name) !== point) return;
        this.#armed.delete(region.name);
        this.#hit(point);
        this.#crashNext.add(region.name);
        throw new Error(`crash of ${region.name} at ${point}`);
      },
    });
    region.queuedMoves = 0;
    await region.relay.start();
  }

  #hit(point: string): void {
    this.hits.set(point, (this.hits.get(point) ?? 0) + 1);
  }

  region(name: string): Region {
    return this.regions.get(name)!;
  }

  /** Spawns players with items in a region (one tick). */
  async spawn(name: string, players: { id: string; items: number; qty: number }[]): Promise<void> {
    const e = this.region(name).db.engine;
    for (const p of players) {
      void e.call(SERVER_IDENTITY, 'spawn', p);
      this.entities.add(p.id);
      this.totalQty += p.items * p.qty;
      this.itemCount += p.items;
    }
    e.runTick();
    await this.settle();
  }

  /** Arms a crash of `name` the next time its relay reaches `point`. */
  arm(name: string, point: HandoffPoint): void {
    this.#armed.set(name, point);
  }

  /** Queues `handoff_out` of the `index`-th player of `from` (by id) towards `to`. */
  move(from: string, index: number, to: string): boolean {
    const region = this.region(from);
    const players = region.db.engine.db.player
      .iter()
      .map((p) => p.id)
      .sort();
    if (players.length === 0 || from === to) return false;
    void region.db.engine.call(SERVER_IDENTITY, 'handoff_out', {
      entity: players[index % players.length]!,
      to,
    });
    region.queuedMoves++;
    return true;
  }

  tick(name: string): void {
    const region = this.region(name);
    region.queuedMoves = 0;
    region.db.engine.runTick();
  }

  /** Crashes a region now (what has not committed is lost) and restarts it from its log. */
  async crash(name: string): Promise<void> {
    const region = this.region(name);
    if (region.queuedMoves > 0) this.#hit(BEFORE_SENDER_COMMIT);
    region.relay.halt();
    // Everything a tick committed is in the log file already ('never' only skips fsync): closing
    // drops the queued calls and in-memory state, which is what a kill -9 loses.
    await region.db.close();
    await this.#boot(region);
  }

  /** Lets every relay run until it waits on a tick; restarts regions whose armed fault fired. */
  async settle(): Promise<void> {
    for (;;) {
      for (const region of this.regions.values()) await region.relay.settled();
      if (this.#crashNext.size === 0) return;
      const names = [...this.#crashNext];
      this.#crashNext.clear();
      for (const name of names) {
        const region = this.region(name);
        region.relay.halt();
        await region.db.close();
        await this.#boot(region);
      }
    }
  }

  /**
   * Each entity is owned exactly once (a region's player table, or an outbox row its receiver
   * has not applied) and the items are conserved. Returns the problems, empty when all holds.
   */
  check(): string[] {
    const owners = new Map<string, string[]>();
    const items = new Map<string, string[]>();
    let qty = 0;
    const own = (entity: string, where: string) => owners.set(entity, [...(owners.get(entity) ?? []), where]);
    const hold = (id: string, q: number, where: string) => {
      items.set(id, [...(items.get(id) ?? []), where]);
      qty += q;
    };
    for (const region of this.regions.values()) {
      const db = region.db.engine.db;
      for (const p of db.player.iter()) own(p.id, region.name);
      for (const item of db.item.iter()) hold(item.id, item.qty, region.name);
      for (const row of db.ts_outbox.iter()) {
        const receiver = this.regions.get(row.to)!.db.engine.db;
        const applied = receiver.ts_inbox.find([region.name, row.id]);
        if (applied?.outcome === HANDOFF_OUTCOME.APPLIED) continue;
        own(row.entity, `${region.name}.outbox#${row.id}`);
        const payload = decodePayload(row.payload) as unknown as PlayerPayload;
        for (const item of payload.items) hold(item.id, item.qty, `${region.name}.outbox#${row.id}`);
      }
    }
    const problems: string[] = [];
    for (const entity of this.entities) {
      const where = owners.get(entity) ?? [];
      if (where.length !== 1) problems.push(`${entity} owned ${where.length} times: ${where.join(', ')}`);
    }
    for (const [id, where] of items)
      if (where.length !== 1) problems.push(`item ${id} held ${where.length} times: ${where.join(', ')}`);
    if (items.size !== this.itemCount) problems.push(`${items.size} items, spawned ${this.itemCount}`);
    if (qty !== this.totalQty) problems.push(`item quantity ${qty}, spawned ${this.totalQty}`);
    return problems;
  }

  /** Runs everything, without faults or crashes, until no outbox row and no message is left. */
  async quiesce(maxRounds = 200): Promise<void> {
    this.#armed.clear();
    for (let round = 0; round < maxRounds; round++) {
      for (const name of this.regions.keys()) this.tick(name);
      await this.settle();
      for (const region of this.regions.values()) region.relay.republish();
      await this.settle();
      while (this.fabric.step()) await this.settle();
      this.fabric.expireAckWait();
      while (this.fabric.step()) await this.settle();
      for (const name of this.regions.keys()) this.tick(name);
      await this.settle();
      if (this.#quiet()) return;
    }
    throw new Error(`not quiescent after ${maxRounds} rounds: ${this.summary()}`);
  }

  #quiet(): boolean {
    if (this.fabric.inFlight > 0) return false;
    for (const region of this.regions.values()) {
      if (region.db.engine.db.ts_outbox.count() > 0) return false;
      if (this.fabric.unacked(`in-${region.name}`) > 0) return false;
      if (region.db.engine.queuedCalls > 0) return false;
    }
    return true;
  }

  summary(): string {
    return [...this.regions.values()]
      .map(
        (r) =>
          `${r.name}: players=${r.db.engine.db.player.count()} outbox=${r.db.engine.db.ts_outbox.count()} unacked=${this.fabric.unacked(`in-${r.name}`)}`,
      )
      .join('; ');
  }

  /**
   * The directory against the owners: an entity the directory knows must be where it says (a
   * rejected handoff leaves the entry of its last arrival, which is still the right region).
   * Returns the problems and how many entries were checked.
   */
  async directoryProblems(): Promise<{ problems: string[]; checked: number }> {
    const problems: string[] = [];
    let checked = 0;
    for (const region of this.regions.values()) {
      for (const p of region.db.engine.db.player.iter()) {
        const entry = await this.directory.find(p.id);
        if (entry === undefined) continue;
        checked++;
        const resident = region.db.engine.db.ts_resident.find(p.id);
        if (entry.region !== region.name || (resident !== undefined && entry.epoch > resident.epoch))
          problems.push(
            `${p.id}: directory says ${entry.region}@${entry.epoch}, lives in ${region.name}@${resident?.epoch ?? 0}`,
          );
      }
    }
    return { problems, checked };
  }

  async close(): Promise<void> {
    for (const region of this.regions.values()) {
      region.relay.halt();
      await region.db.close().catch(() => {});
    }
    await this.fabric.close();
    fs.rmSync(this.#root, { recursive: true, force: true });
  }
}
