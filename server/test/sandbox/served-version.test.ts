import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/engine/tooling';
import { loadModuleText } from '../../src/engine/sandbox';
import { logServedVersion, replacedVersionLine, type ServedModule } from '../../src/cli/serve-module';
import { findLastPublished, LAST_PUBLISH_FILE } from '../../src/cli/last-publish-file';
import { counterModuleText } from './counter-module';

/** A restart serves the module FILE, and says so when that replaces the last published version. */
const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function start(dir: string, served: ServedModule) {
  const db = await openDatabase({ dir, module: served.module, logger: quiet });
  const version = logServedVersion(db, served);
  db.engine.runTick();
  await db.engine.flush();
  return { db, version };
}

async function version(
  step: number,
): Promise<ServedModule & { sandboxed: NonNullable<ServedModule['sandboxed']> }> {
  const sandboxed = await loadModuleText(counterModuleText({ step }), `v${step}.ts`);
  return { module: sandboxed.module, sandboxed };
}

describe('the version a restart serves', () => {
  it('is the file: a published version it replaces is named, the same one is not logged again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'budget-safety-served-'));
    dirs.push(dir);
    const file = await version(1);
    let { db, version: first } = await start(dir, file);
    expect(first).toEqual({ logged: true, replaced: undefined });

    // A publish to the running server (never saved to the file), then a restart with the file.
    const published = await version(10);
    db.engine.publish(published.sandboxed);
    db.engine.runTick();
    await db.engine.flush();
    const publishTick = db.engine.tick;
    await db.close();
    ({ db, version: first } = await start(dir, file));
    expect(first).toEqual({
      logged: true,
      replaced: { hash: published.sandboxed.bundle.hash, tick: publishTick },
    });
    expect(db.engine.module).toBe(file.module);
    expect(replacedVersionLine('bank.ts', file.sandboxed.bundle.hash, first!.replaced!)).toBe(
      `  note: the published version ${published.sandboxed.bundle.hash.slice(0, 12)} (tick ${publishTick}) was replaced by bank.ts's version ${file.sandboxed.bundle.hash.slice(0, 12)}: serve runs the module file it is given (publish it again to run it)`,
    );
    await db.close();

    // Restarting with the version the log ends with logs nothing and replaces nothing.
    ({ db, version: first } = await start(dir, file));
    expect(first).toEqual({ logged: false, replaced: undefined });
    await db.close();
  });
});

describe('finding the last published version at start', () => {
  it('reads the hint file and the ticks after it; without a valid hint it scans the log, same answer', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'budget-safety-hint-'));
    dirs.push(dir);
    const file = await version(1);
    const { db } = await start(dir, file);
    const firstTick = db.engine.tick;
    const hintFile = path.join(dir, LAST_PUBLISH_FILE);
    // Written once the publish tick was durable.
    expect(JSON.parse(fs.readFileSync(hintFile, 'utf8'))).toEqual({
      hash: file.sandboxed.bundle.hash,
      tick: firstTick,
    });
    // A later publish the hint does not know of (as after a crash before the file was written).
    const later = await version(10);
    db.engine.publish(later.sandboxed);
    db.engine.runTick();
    await db.engine.flush();
    const laterTick = db.engine.tick;
    const expected = { tick: laterTick, payload: later.sandboxed.payload };
    expect(findLastPublished(db, dir)).toEqual({ found: expected, scanned: 'tail' });
    for (const bad of [
      undefined,
      'not json',
      JSON.stringify({ hash: 'f'.repeat(64), tick: firstTick }),
      JSON.stringify({ hash: file.sandboxed.bundle.hash, tick: laterTick + 5 }),
      JSON.stringify({ hash: file.sandboxed.bundle.hash }),
    ]) {
      if (bad === undefined) fs.rmSync(hintFile, { force: true });
      else fs.writeFileSync(hintFile, bad);
      expect(findLastPublished(db, dir), String(bad)).toEqual({ found: expected, scanned: 'log' });
    }
    await db.close();
  });
});
