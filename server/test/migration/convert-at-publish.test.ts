/**
 * A runtime migration converts and dry-runs its reshaped tables when the publish is accepted, and
 * its boundary tick reuses that work when those tables still hold the same rows (they do: nothing
 * runs between a publish and its boundary), so the module's conversion runs once, outside the tick.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSchema, defineModule, t, table, toIdentity, type CallResult } from '../../src/engine';
import { openDatabase, publishModule } from '../../src/engine/tooling';

const alice = toIdentity('e'.repeat(32));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const v1Schema = createSchema({
  note: table({ public: true }, { id: t.u32().primaryKey(), text: t.string() }),
});
const v1 = defineModule(v1Schema, {
  reducers: [
    v1Schema.reducer('note', { id: t.u32(), text: t.string() }, (ctx, a) => void ctx.db.note.insert(a)),
  ],
});

/** Version 2: note's text becomes its length (a breaking change with a declared conversion), counted. */
function v2(converted: { rows: number }) {
  const s = createSchema({ note: table({ public: true }, { id: t.u32().primaryKey(), text: t.u32() }) });
  return defineModule(s, {
    reducers: [s.reducer('note', { id: t.u32(), text: t.u32() }, (ctx, a) => void ctx.db.note.insert(a))],
    migrations: {
      2: (m) =>
        m.table('note', (old) => {
          converted.rows++;
          return { id: old.id as number, text: String(old.text).length };
        }),
    },
  });
}

describe('a migration converts its rows at publish', () => {
  it("and its boundary tick reuses them: the module's conversion runs once, before the tick", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convert-at-publish-'));
    dirs.push(dir);
    const db = await openDatabase({ dir, module: v1, logger: { error: () => {}, warn: () => {} } });
    for (let id = 1; id <= 3; id++) db.engine.enqueue(alice, 'note', { id, text: 'x'.repeat(id * 2) });
    db.engine.runTick();
    await db.engine.flush();

    const converted = { rows: 0 };
    let result: CallResult | undefined;
    publishModule(db, { module: v2(converted), payload: {} }, (r) => (result = r));
    expect(converted.rows).toBe(3); // at publish
    db.engine.runTick();
    await db.engine.flush();
    expect(result).toEqual({ ok: true });
    expect(converted.rows).toBe(3); // none at the boundary
    db.engine.enqueue(alice, 'note', { id: 4, text: 9 });
    db.engine.runTick();
    await db.engine.flush();
    expect(db.engine.tables.note!.iter()).toEqual([
      { id: 1, text: 2 },
      { id: 2, text: 4 },
      { id: 3, text: 6 },
      { id: 4, text: 9 },
    ]);
    expect(db.store.versions!.latest.version).toBe(2);
    await db.close();
  });

  it('a conversion that fails at publish still refuses at the boundary, as before, and changes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convert-at-publish-'));
    dirs.push(dir);
    const db = await openDatabase({ dir, module: v1, logger: { error: () => {}, warn: () => {} } });
    db.engine.enqueue(alice, 'note', { id: 1, text: 'x' });
    db.engine.runTick();
    await db.engine.flush();
    const s = createSchema({ note: table({ public: true }, { id: t.u32().primaryKey(), text: t.u32() }) });
    const broken = defineModule(s, {
      reducers: [s.reducer('note', { id: t.u32(), text: t.u32() }, () => {})],
      migrations: {
        2: (m) =>
          m.table('note', () => {
            throw new Error('no conversion for this row');
          }),
      },
    });
    let result: CallResult | undefined;
    publishModule(db, { module: broken, payload: {} }, (r) => (result = r));
    db.engine.runTick();
    await db.engine.flush();
    expect(result).toMatchObject({ ok: false, code: 'MIGRATION_FAILED' });
    expect(result).toMatchObject({ message: expect.stringMatching(/no conversion for this row/) });
    expect(db.store.versions!.latest.version).toBe(1);
    expect(db.engine.tables.note!.iter()).toEqual([{ id: 1, text: 'x' }]);
    await db.close();
  });
});
