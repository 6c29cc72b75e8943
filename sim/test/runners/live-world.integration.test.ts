/**
 * Issue 15's proof: 500 bots play sandboxed Frontier in process (the in-process runner, every bot
 * on its own SDK connection over the loopback transport, the commit log on disk), and mid-run, one
 * after another: a content edit, an additive migration (item_def gains a column with a default),
 * a reducer body swap and a runaway reducer (`while (true) {}`). Afterwards: no session closed,
 * every client's cache agrees with the server's tables, `tickspace replay` from tick 1 passes (a
 * real process, which rebuilds each version from the log), `asOf` on each side of each change
 * shows the right shapes, and the runaway call got BUDGET_EXCEEDED while the rest of its tick
 * committed.
 *
 * The versions are bundled from a copy of Frontier's source folder, edited as a developer would.
 * The host side (lending rapier, zod and seedrandom, the content a new world starts with) is what
 * `tickspace serve` does, imported from the server's CLI code (no package exports it).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  SERVER_IDENTITY,
  toIdentity,
  type Engine,
  type ModuleDef,
  type TickRecord,
} from '@tickspace/server/engine';
import { openDatabase, publishModule } from '@tickspace/server/engine/tooling';
import { DEFAULT_CONTENT_DIR, readContentSources } from '@tickspace/server/world';
import { afterAll, describe, expect, it } from 'vitest';
import { frontierSource, provideFrontierHost } from '../../../server/src/cli/frontier-sandbox';
import { loadModuleFile, type SandboxedModule } from '../../../server/src/engine/sandbox';
import { runInProcess } from '../../src/runners/in-process-runner';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SEED = 'live-world';
const SETTINGS = { seed: SEED, worldTiles: 1024 };
const BOTS = 500;
/** The ticks before which each change is made (the runner's ticks are 50 ms of logical time). */
const AT = { content: 260, migrate: 300, swap: 340, runaway: 380 } as const;
const LONG_NAME = 'A_rather_long_player_name';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'live-world-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A copy of server/src/world whose `../engine` and `node_modules` are the repository's. */
function copyWorld(): string {
  const world = path.join(root, 'src', 'world');
  fs.cpSync(path.join(REPO_ROOT, 'server', 'src', 'world'), world, { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'server', 'src', 'engine'), path.join(root, 'src', 'engine'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return world;
}

/** Replaces `from` by `to` in one file of the copy (it must be there). */
function edit(world: string, file: string, from: string | RegExp, to: string): void {
  const full = path.join(world, file);
  const text = fs.readFileSync(full, 'utf8');
  const edited = text.replace(from, to);
  expect(edited, `${file} has ${String(from)}`).not.toBe(text);
  fs.writeFileSync(full, edited);
}

/** One text per value, whatever its type, to compare a client's row with the server's. */
const canon = (row: unknown) =>
  JSON.stringify(row, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `bytes:${Buffer.from(v).toString('hex')}` : v,
  );

describe('a live Frontier world under 500 bots', () => {
  it('takes a content edit, a migration, a body swap and a runaway reducer without closing a session', async () => {
    const sources = await readContentSources(DEFAULT_CONTENT_DIR);
    await provideFrontierHost(sources, () => new Error('the repository content is invalid'));
    const world = copyWorld();
    const source = frontierSource({ TICKSPACE_FRONTIER_SOURCE: world });
    const load = () => loadModuleFile(source.entry, { ...source.bundle, config: SETTINGS });

    const v1 = await load();
    // v2: item_def gains a column with a default (an additive migration).
    edit(
      world,
      'tables.ts',
      // Appended after item_def's last column, whatever it is.
      /(\n)(    \},\n  \),\n  recipe_def)/,
      '$1      weightGrams: t.u32().default(250),\n$2',
    );
    const v2 = await load();
    // v3: a reducer body swap (join takes names of up to 40 characters).
    edit(
      world,
      'frontier-core.ts',
      'maxNameChars: options.maxNameChars ?? 16',
      'maxNameChars: options.maxNameChars ?? 40',
    );
    const v3 = await load();
    // v4: a new reducer that never returns.
    edit(
      world,
      'frontier-core.ts',
      '      trading.tradeRespond,\n',
      "      trading.tradeRespond,\n      frontierSchema.reducer('spin', {}, () => {\n        for (;;) {}\n      }),\n",
    );
    const v4 = await load();
    expect(new Set([v1, v2, v3, v4].map((v) => v.bundle.hash)).size).toBe(4);

    const items = JSON.parse(sources['items.json']!) as { id: string; name: string }[];
    const edited = items.map((it, i) => (i === 0 ? { ...it, name: `${it.name} (edited)` } : it));
    const editedSources = { ...sources, 'items.json': JSON.stringify(edited, null, 2) };
    const itemId = items[0]!.id;

    const dataDir = path.join(root, 'data');
    const outcomes = new Map<string, { ok: boolean; code?: string; tick?: number }>();
    const watch = (name: string) => (result: { ok: boolean; code?: string }) =>
      outcomes.set(name, {
        ...outcomes.get(name),
        ok: result.ok,
        ...(result.ok ? {} : { code: result.code }),
      });
    const records = new Map<number, TickRecord>();
    const tester = toIdentity('5'.repeat(32));
    let engineRef: Engine<ModuleDef> | undefined;
    const publish = (db: Parameters<typeof publishModule>[0] | undefined, name: string, v: SandboxedModule) =>
      publishModule(db!, v, watch(name));

    const result = await runInProcess({
      mix: { human: 400, naive: 100 },
      seed: SEED,
      minutes: (AT.runaway + 60) / 1200,
      joinWindowMs: 5_000,
      world: SETTINGS,
      module: v1.module as never,
      dataDir,
      tickBudgetMs: 1000,
      onEngine: (engine) => {
        engineRef = engine;
        // The first version goes into the log, as serve does, so a replay has its code.
        engine.publish(v1);
        engine.onTick((r) => {
          for (const c of r.calls)
            if (
              c.reducer === '__publish' ||
              c.reducer === 'content_reload' ||
              c.reducer === 'spin' ||
              c.sender === tester
            )
              records.set(r.tick, r);
        });
      },
      beforeTick: (engine, db) => {
        const tick = engine.tick;
        if (tick === 20) engine.connect(tester);
        if (tick === AT.content)
          engine.enqueue(
            SERVER_IDENTITY,
            'content_reload',
            { bundle: JSON.stringify(editedSources) },
            watch('content'),
          );
        if (tick === AT.migrate) publish(db, 'migrate', v2);
        if (tick === AT.swap - 5)
          engine.enqueue(tester, 'join', { name: LONG_NAME }, watch('long name before'));
        if (tick === AT.swap) publish(db, 'swap', v3);
        if (tick === AT.swap + 5)
          engine.enqueue(tester, 'join', { name: LONG_NAME }, watch('long name after'));
        if (tick === AT.runaway) publish(db, 'runaway', v4);
        if (tick === AT.runaway + 2) engine.enqueue(SERVER_IDENTITY, 'spin', {}, watch('spin'));
      },
      beforeClose: ({ bots, content }) => {
        const engine = engineRef!;
        const mismatches: string[] = [];
        let rows = 0;
        for (const conn of [...bots, content]) {
          if (conn === undefined) continue;
          if (conn.status !== 'open') mismatches.push(`a connection is ${conn.status}`);
          for (const store of engine.tableList) {
            const cached = (conn.db as unknown as Record<string, { iter(): object[] } | undefined>)[
              store.name
            ];
            if (cached === undefined) continue;
            for (const row of cached.iter()) {
              rows++;
              const server = store.find(store.keyOf(row as never));
              if (canon(server) !== canon(row))
                mismatches.push(`${store.name}: client ${canon(row)} server ${canon(server)}`);
            }
          }
        }
        // The content connection subscribes whole content tables: equal row for row, new column included.
        const serverItems = engine.tableList.find((t) => t.name === 'item_def')!;
        expect(content.db.item_def.iter().length).toBe(serverItems.iter().length);
        expect(content.db.item_def.find(itemId)).toMatchObject({
          name: `${items[0]!.name} (edited)`,
          weightGrams: 250,
        });
        expect(mismatches.slice(0, 5)).toEqual([]);
        expect(rows).toBeGreaterThan(BOTS * 10);
      },
    });

    expect(result.players).toBe(BOTS);
    expect(result.sessionsClosed).toBe(0);
    expect(outcomes.get('content')).toMatchObject({ ok: true });
    expect(outcomes.get('migrate')).toMatchObject({ ok: true });
    expect(outcomes.get('swap')).toMatchObject({ ok: true });
    expect(outcomes.get('runaway')).toMatchObject({ ok: true });
    expect(outcomes.get('long name before')).toMatchObject({ ok: false, code: 'INVALID_NAME' });
    expect(outcomes.get('long name after')).toMatchObject({ ok: true });
    expect(outcomes.get('spin')).toMatchObject({ ok: false, code: 'BUDGET_EXCEEDED' });

    const tickOf = (pred: (c: TickRecord['calls'][number]) => boolean) =>
      [...records.values()].find((r) => r.calls.some(pred))!.tick;
    const publishTicks = [...records.values()]
      .filter((r) => r.calls.some((c) => c.reducer === '__publish'))
      .map((r) => r.tick);
    expect(publishTicks).toHaveLength(4);
    const [, migrated, swapped, runawayPublished] = publishTicks as [number, number, number, number];
    const contentTick = tickOf((c) => c.reducer === 'content_reload');
    const spinTick = tickOf((c) => c.reducer === 'spin');
    expect(
      contentTick < migrated &&
        migrated < swapped &&
        swapped < runawayPublished &&
        runawayPublished < spinTick,
    ).toBe(true);
    // The runaway call was aborted and the rest of its tick committed: the other calls ran and wrote.
    const spun = records.get(spinTick)!;
    const others = spun.calls.filter((c) => c.reducer !== 'spin');
    expect(others.filter((c) => c.result.ok).length).toBeGreaterThan(0);
    expect(spun.changes.length).toBeGreaterThan(0);

    // replay from tick 1, in a real process that rebuilds every version from the log.
    const replay = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/src/cli.ts',
        '--data',
        dataDir,
        'replay',
        '--module',
        'server/src/cli/frontier-module.ts',
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, TICKSPACE_SEED: SEED, TICKSPACE_WORLD_TILES: String(SETTINGS.worldTiles) },
      },
    );
    expect(replay.stdout).toMatch(/replay 1\.\.\d+: all \d+ tick\(s\) reproduced the log/);

    // asOf on each side of each change.
    const db = await openDatabase({ dir: dataDir, module: v4.module, create: false, readOnly: true });
    try {
      type Rows = Record<string, { find(key: unknown): unknown; iter(): unknown[] }>;
      const at = async (tick: number) => (await db.asOf(tick)).db as unknown as Rows;
      const item = async (tick: number) => (await at(tick)).item_def!.find(itemId) as Record<string, unknown>;
      expect((await item(contentTick - 1)).name).toBe(items[0]!.name);
      expect((await item(contentTick)).name).toBe(`${items[0]!.name} (edited)`);
      expect(await item(migrated - 1)).not.toHaveProperty('weightGrams');
      expect(await item(migrated)).toMatchObject({ weightGrams: 250 });
      for (const tick of [swapped - 1, swapped, spinTick - 1, spinTick])
        expect(Object.keys(await item(tick)).sort()).toEqual(Object.keys(await item(migrated)).sort());
      const player = async (tick: number) =>
        (await at(tick)).player!.iter().find((p) => (p as { name: string }).name === LONG_NAME);
      expect(await player(swapped)).toBeUndefined();
      expect(await player(spinTick)).toBeDefined();
    } finally {
      await db.close();
    }
  }, 900_000);
});
