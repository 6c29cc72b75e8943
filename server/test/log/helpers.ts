import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/engine/tooling';
import { alice, bank, bob } from '../engine/fixtures';

const dirs: string[] = [];

/** A fresh temporary directory, removed after the test. */
export function tempDir(prefix = 'tickspace-log-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A quiet logger that remembers what it was told. */
export function quietLogger() {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      error: (m: string, e?: unknown) => lines.push(`${m} ${e ?? ''}`),
      warn: (m: string) => lines.push(m),
    },
  };
}

export type BankDb = Database<typeof bank>;

/** Opens the bank module on `dir` with fast test defaults (no fsync). */
export function openBank(dir: string, options: Partial<DatabaseOptions<typeof bank>> = {}): Promise<BankDb> {
  return openDatabase({
    dir,
    module: bank,
    seed: 'test',
    tickMs: 50,
    durability: 'never',
    snapshotEveryTicks: 0,
    snapshotEveryBytes: 0,
    logger: quietLogger().logger,
    ...options,
  });
}

/**
 * Drives `ticks` ticks of bank activity: accounts, transfers (some failing), spawned entities,
 * scheduled bumps. Deterministic for a given starting tick. Returns the state hash after each tick.
 */
export async function drive(db: BankDb, ticks: number): Promise<Map<number, string>> {
  const e = db.engine;
  const hashes = new Map<number, string>();
  for (let i = 0; i < ticks; i++) {
    const n = e.tick + 1;
    if (n === 1) {
      e.connect(alice);
      e.enqueue(alice, 'open', { id: 1, name: 'alice', balance: 1000n });
      e.enqueue(bob, 'open', { id: 2, name: 'bob', balance: 10n });
    } else {
      e.enqueue(alice, 'transfer', {
        from: n % 2 === 0 ? 1 : 2,
        to: n % 2 === 0 ? 2 : 1,
        amount: BigInt(n % 7),
      });
      e.enqueue(bob, 'spawn', { kind: n % 3 === 0 ? 'tree' : 'rock', x: n, y: -n / 2 });
      if (n % 5 === 0) e.enqueue(bob, 'later', { inMs: 100, everyMs: 0 });
      if (n % 11 === 0) e.enqueue(alice, 'crash', { after: 2 });
    }
    const record = e.runTick();
    hashes.set(record.tick, record.stateHash);
  }
  await e.flush();
  return hashes;
}

/** Segment files of a data directory, oldest first. */
export function segmentFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(dir, 'log'))
    .filter((n) => n.endsWith('.tslog'))
    .sort()
    .map((n) => path.join(dir, 'log', n));
}

/** Snapshot files of a data directory, oldest first. */
export function snapshotFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(dir, 'snapshots'))
    .filter((n) => n.endsWith('.tssnap'))
    .sort()
    .map((n) => path.join(dir, 'snapshots', n));
}

/** Every row of every table, sorted by key text: an order-independent picture of a state. */
export function dump(
  tables: Readonly<
    Record<
      string,
      {
        iter(): readonly Readonly<Record<string, unknown>>[];
        keyOf(row: Readonly<Record<string, unknown>>): unknown;
      }
    >
  >,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const text = (v: unknown) =>
    JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? [...x] : x,
    );
  for (const [name, store] of Object.entries(tables))
    out[name] = store
      .iter()
      .map((r) => text(r))
      .sort();
  return out;
}
