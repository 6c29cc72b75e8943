import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toIdentity, type ModuleDef } from '../../src/engine';
import { openDatabase, publishModule, type Database } from '../../src/engine/tooling';
import { loadModuleText, type SandboxedModule } from '../../src/engine/sandbox';

/**
 * Replay across schema versions needs each version's code. A version a runtime publish brought
 * carries its code in its tick's `__publish`, so replay can run it without being given it; a version
 * a start-up migration brought does not, and replay must say which code it lacks.
 */
const alice = toIdentity('d'.repeat(32));
const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Version `n` (1 to 4) of a module: table `n` gains one defaulted column per version. */
function versionText(n: number): string {
  const extra = ['a', 'b', 'c'].slice(0, n - 1);
  const columns = extra.map((c) => `, ${c}: t.u8().default(0)`).join('');
  const inserted = extra.map((c) => `, ${c}: 0`).join('');
  return `
import { createSchema, defineModule, t, table } from '@tickspace/server/engine';
const schema = createSchema({ n: table({ public: true }, { id: t.u32().primaryKey(), value: t.u32()${columns} }) });
const set = schema.reducer('set', { id: t.u32(), value: t.u32() }, (ctx, { id, value }) => {
  const row = ctx.db.n.find(id);
  if (row === undefined) ctx.db.n.insert({ id, value: value * ${n}${inserted} });
  else ctx.db.n.update({ ...row, value: value * ${n} });
});
export default defineModule(schema, { reducers: [set] });
`;
}

const load = (n: number) => loadModuleText(versionText(n), `v${n}.ts`);

async function ticks(db: Database<ModuleDef>, values: number[]): Promise<void> {
  for (const value of values) {
    db.engine.enqueue(alice, 'set', { id: value % 3, value });
    db.engine.runTick();
    await db.engine.flush();
  }
}

const open = (dir: string, v: SandboxedModule, older: SandboxedModule[] = []) =>
  openDatabase({ dir, module: v.module, olderModules: older.map((o) => o.module), logger: quiet });

describe('replay across versions', () => {
  it('takes a published version its caller lacks from the log, and names a start-up one it lacks', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-published-'));
    dirs.push(dir);
    const [v1, v2, v3, v4] = await Promise.all([load(1), load(2), load(3), load(4)]);

    const first = await open(dir, v1);
    first.engine.publish(v1);
    await ticks(first, [1, 2]);
    // Version 2 arrives by a runtime publish: its code is in the log.
    publishModule(first, v2);
    await ticks(first, [3, 4, 5]);
    const publishedAt = [...first.ticks(1, first.engine.tick)].find(
      (t) => t.calls[0]?.reducer === '__publish' && t.calls[1]?.reducer === '__migrate',
    )!.tick;
    expect(first.engine.tables.n!.find(2)).toMatchObject({ value: 10 });
    await first.close();

    // Versions 3 and 4 arrive by start-up migrations: their code is nowhere in the log.
    const third = await open(dir, v3);
    expect(third.migration).toBeDefined();
    const v3From = third.engine.tick;
    await ticks(third, [6, 7]);
    await third.close();
    const fourth = await open(dir, v4);
    await ticks(fourth, [8]);
    const last = fourth.engine.tick;
    await fourth.close();

    // Given version 1 only: version 2's ticks replay with its logged code, version 3's cannot.
    const partial = await open(dir, v4, [v1]);
    const report = await partial.replay(1, last);
    expect(publishedAt).toBeLessThan(v3From);
    expect(report.divergence).toMatchObject({ tick: v3From, kind: 'error' });
    expect(report.divergence!.message).toMatch(
      new RegExp(`^tick ${v3From} is schema version 3, whose module code this replay does not have`),
    );
    expect(report.verifiedTicks).toBe(v3From - 1);
    await partial.close();

    // Given versions 1 and 3, the whole log replays: version 2 never came from the caller.
    const whole = await open(dir, v4, [v1, v3]);
    const all = await whole.replay(1, last);
    expect(all.divergence?.message).toBeUndefined();
    expect(all).toMatchObject({ ok: true, verifiedTicks: last });
    await whole.close();
  });
});
