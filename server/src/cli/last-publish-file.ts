/**
 * A small file under the data directory naming the last published module version (`hash` and
 * `tick`), so that a start need not read the calls section of the whole log to find the last
 * `__publish`. Written after a publish tick is durable; a hint, never the truth: a start checks it
 * against the log (the named tick must hold that version) and reads only the ticks after it for a
 * later publish, and falls back to scanning the whole log when the file is absent, unreadable or
 * names a tick the log does not hold as a publish of that version.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModuleDef } from '../engine';
import type { Database } from '../engine/log';
import { lastPublished } from '../engine/log/replay';
import type { PublishPayload } from '../engine/module-swap';

/** The file's name in the data directory. */
export const LAST_PUBLISH_FILE = 'last-publish.json';

/** Records the version published at `tick` (call once that tick is durable). Atomic: tmp + rename. */
export function writeLastPublish(dataDir: string, hash: string, tick: number): void {
  const file = path.join(dataDir, LAST_PUBLISH_FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ hash, tick })}\n`);
  fs.renameSync(tmp, file);
}

function readHint(dataDir: string): { hash: string; tick: number } | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(path.join(dataDir, LAST_PUBLISH_FILE), 'utf8')) as unknown;
    const { hash, tick } = (value ?? {}) as { hash?: unknown; tick?: unknown };
    return typeof hash === 'string' && Number.isSafeInteger(tick)
      ? { hash, tick: tick as number }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The last module version logged in `db` (as lastPublished over the whole log), found from the
 * hint file when it is valid. `scanned` says which way it went (tests).
 */
export function findLastPublished(
  db: Database<ModuleDef>,
  dataDir: string,
): {
  found: { readonly tick: number; readonly payload: PublishPayload } | undefined;
  scanned: 'tail' | 'log';
} {
  const store = db.store;
  const hint = readHint(dataDir);
  if (hint !== undefined && hint.tick > store.firstTick && hint.tick <= store.lastTick) {
    const at = lastPublished(store, hint.tick, hint.tick);
    if (at !== undefined && at.payload.hash === hint.hash)
      return { found: lastPublished(store, store.lastTick, hint.tick + 1) ?? at, scanned: 'tail' };
  }
  return { found: lastPublished(store, store.lastTick), scanned: 'log' };
}
