import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '../client';
import {
  SERVER_IDENTITY,
  toIdentity,
  type Identity,
  type Logger,
  type ModuleDef,
  type TickRecord,
} from '../engine';
import { openDatabase, type Database } from '../engine/tooling';
import { createLoopbackTransport, createSessionHub, type SessionHub } from '../net';

/** Options for {@link createTestWorld}. */
export interface TestWorldOptions {
  /** World seed (`ctx.rng` draws from it). @default 'test' */
  readonly seed?: string;
  /** Logical milliseconds per tick (`ctx.now` advances by this). @default 50 */
  readonly tickMs?: number;
  /**
   * The data directory of the world's commit log (what `asOf` and `history` read). The world
   * removes a directory it created itself on `close()`, never one passed here.
   * @default a fresh directory under the OS temp folder
   */
  readonly dir?: string;
  /** Most ticks {@link TestWorld.settle} runs before it gives up. @default 100 */
  readonly maxSettleTicks?: number;
  /** Receives the engine's server faults (a reducer's unexpected throw). @default console */
  readonly logger?: Logger;
}

/** A client of a test world: an SDK connection with a name. */
export type TestPlayer<M extends ModuleDef> = Connection<M> & { readonly name: string };

/** The result of {@link TestWorld.history}: one version of a row, with the call that made it. */
export interface TestRowVersion {
  readonly tick: number;
  readonly kind: 'insert' | 'update' | 'delete' | 'snapshot';
  readonly row: Readonly<Record<string, unknown>> | undefined;
  /** Reducer name, and the sender: a player's name, `server` for scheduled and lifecycle calls, else its identity. */
  readonly reducer: string | undefined;
  readonly sender: string | undefined;
}

/** A world in logical time: a real engine and commit log, and SDK clients over the loopback transport. */
export interface TestWorld<M extends ModuleDef> {
  /** The real database: `engine`, `asOf`, `history`, `replay`, `rewind`. */
  readonly database: Database<M>;
  /** The engine's tables, as the server sees them (read them; write through reducers). */
  readonly db: Database<M>['engine']['db'];
  /** The tick last committed (0 before the first). */
  readonly currentTick: number;
  /**
   * A client with its own identity (the same name gives the same identity in every run), connected
   * over the loopback transport: typed `db`, `reducers`, `subscribe`, exactly the SDK of a browser.
   */
  player(name: string): Promise<TestPlayer<M>>;
  /**
   * Runs `count` ticks: the calls the players sent so far, the due schedules, the commit, then
   * the fan-out; resolves once every player has applied them (call promises have settled).
   * @returns the last tick's record
   */
  tick(count?: number): Promise<TickRecord>;
  /**
   * Ticks until `promise` settles (a reducer call, a subscription's `applied`) and returns its
   * value, or rethrows its error.
   * @throws Error when it has not settled after `maxSettleTicks` ticks
   */
  settle<T>(promise: Promise<T>): Promise<T>;
  /** The tables as of a past tick (read-only, typed). */
  asOf(tick: number): ReturnType<Database<M>['asOf']>;
  /** Every version of one row by primary key, oldest first, with the reducer and the player that wrote it. */
  history(table: keyof M['tables'] & string, key: unknown): Promise<TestRowVersion[]>;
  /** Closes every player, the log, and removes the data directory it created. */
  close(): Promise<void>;
}

/** Lets every queued microtask and the SDK's corked frames run. */
const settleIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The identity a player name maps to: stable across runs, distinct per name. */
function identityOf(name: string): Identity {
  return toIdentity(createHash('sha256').update(`tickspace-test-world/${name}`).digest('hex').slice(0, 32));
}

/**
 * Creates a world for `module` in logical time: a real engine with a commit log (so time travel
 * works), a real session hub, and players over the loopback transport (no sockets). Nothing
 * ticks by itself: `tick()` advances time, so a test is deterministic and fast.
 * @example
 * const world = await createTestWorld(bank);
 * const alice = await world.player('alice');
 * await world.settle(alice.reducers.open({ id: 1 }));
 * console.log(world.db.account.find(1)?.balance); // -> 100n
 * await world.close();
 */
export async function createTestWorld<M extends ModuleDef>(
  module: M,
  options: TestWorldOptions = {},
): Promise<TestWorld<M>> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'tickspace-test-world-'));
  const maxSettleTicks = options.maxSettleTicks ?? 100;
  const database = await openDatabase({
    dir,
    module,
    seed: options.seed ?? 'test',
    tickMs: options.tickMs ?? 50,
    durability: 'never',
    confirm: 'immediate',
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const engine = database.engine;
  const hub: SessionHub = createSessionHub({
    engine: engine as never,
    tokenSecret: createHash('sha256').update('tickspace-test-world-token-secret').digest(),
    // Rate limits in logical time, so a test never depends on how fast the machine is.
    clock: () => engine.now,
  });
  const transport = createLoopbackTransport(hub);
  const players: TestPlayer<M>[] = [];
  const names = new Map<string, string>([[SERVER_IDENTITY, 'server']]);

  async function tick(count = 1): Promise<TickRecord> {
    if (!Number.isSafeInteger(count) || count < 1)
      throw new RangeError(`tick(count): count must be a positive whole number, got ${count}`);
    let record: TickRecord | undefined;
    for (let i = 0; i < count; i++) {
      await settleIo(); // the players' corked calls reach the session before the tick runs
      record = engine.runTick();
      await engine.flush();
      await settleIo(); // the tick's frames reach the players
    }
    return record!;
  }

  const world: TestWorld<M> = {
    database,
    db: engine.db,
    get currentTick() {
      return engine.tick;
    },
    async player(name) {
      const identity = identityOf(name);
      if (names.has(identity)) throw new Error(`createTestWorld: there is already a player named '${name}'`);
      names.set(identity, name);
      const conn = new Connection<M>({
        transport,
        token: hub.tokens.issue(identity),
        reconnect: false,
        callTimeoutMs: 0,
      });
      // The handshake needs no tick; a module's clientConnected hook runs in the next one.
      await conn.ready;
      const player = Object.assign(conn, { name }) as TestPlayer<M>;
      players.push(player);
      return player;
    },
    tick,
    async settle(promise) {
      let settled = false;
      const watched = promise.then(
        (value) => {
          settled = true;
          return value;
        },
        (error: unknown) => {
          settled = true;
          throw error;
        },
      );
      watched.catch(() => {});
      await settleIo();
      for (let i = 0; !settled && i < maxSettleTicks; i++) await tick();
      if (!settled) throw new Error(`settle: the promise has not settled after ${maxSettleTicks} ticks`);
      return watched;
    },
    asOf: (n) => database.asOf(n),
    async history(table, key) {
      const versions = await database.history(table, key);
      return versions.map((v) => ({
        tick: v.tick,
        kind: v.kind,
        row: v.row,
        reducer: v.call?.reducer,
        sender: v.call === undefined ? undefined : (names.get(v.call.sender) ?? v.call.sender),
      }));
    },
    async close() {
      for (const p of players) p.close();
      await settleIo();
      hub.close();
      await database.close();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
