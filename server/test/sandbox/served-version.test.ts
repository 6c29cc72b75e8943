import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/engine/tooling';
import { loadModuleText } from '../../src/engine/sandbox';
import { logServedVersion, replacedVersionLine, type ServedModule } from '../../src/cli/serve-module';
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
