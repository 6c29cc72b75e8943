import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/engine/tooling';
import { runCli } from '../../src/cli';
import { createFrontier, serveContent, type ReloadOutcome } from '../../src/world';
import { copyContent, edit } from '../../../content/test/fixtures';
import { openBank, quietLogger, tempDir } from '../log/helpers';
import { who } from './helpers';

const OPTIONS = { seed: 'history-world', worldTiles: 512 } as const;

async function openWorld(dataDir: string, contentDir: string) {
  const frontier = await createFrontier({ ...OPTIONS, contentDir, lenientContent: true });
  return openDatabase({
    dir: dataDir,
    module: frontier.module,
    seed: OPTIONS.seed,
    tickMs: 50,
    durability: 'never',
    snapshotEveryTicks: 0,
    snapshotEveryBytes: 0,
    logger: quietLogger().logger,
  });
}

/** Follows the content dir as serve does; `apply` runs the tick a reload queues. */
async function follow(db: Awaited<ReturnType<typeof openWorld>>, dir: string, lines: string[]) {
  const outcomes: ReloadOutcome[] = [];
  const content = await serveContent(db.engine, {
    dir,
    print: (l) => lines.push(l),
    onReload: (o) => outcomes.push(o),
  });
  content.close(); // tests drive reloads with reload(), not file events
  const apply = async () => {
    const done = content.watcher.reload('edit', () => {
      if (db.engine.queuedCalls > 0) db.engine.runTick();
    });
    return done;
  };
  return { content, outcomes, apply };
}

async function cli(args: string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err };
}

describe('content is part of history', () => {
  it('replays from tick 1 after edits, shows each tick its content, and lists the versions', async () => {
    const dataDir = tempDir();
    const contentDir = copyContent();
    const lines: string[] = [];
    const db = await openWorld(dataDir, contentDir);
    const { apply } = await follow(db, contentDir, lines);
    db.engine.connect(who(1));
    db.engine.enqueue(who(1), 'join', { name: 'Ann' });
    for (let i = 0; i < 5; i++) db.engine.runTick();

    edit(contentDir, 'items.json', (items) => void (items.find((i: any) => i.id === 'stick').name = 'Twig'));
    const first = await apply();
    expect(first).toMatchObject({ ok: true, changed: true });
    const firstTick = (first as { tick: number }).tick;
    for (let i = 0; i < 3; i++) db.engine.runTick();
    edit(contentDir, 'recipes.json', (r) => void (r.find((x: any) => x.id === 'rope').craftMs += 100));
    edit(contentDir, 'items.json', (items) => void items.push({ ...items[0], id: 'shell', name: 'Shell' }));
    edit(
      contentDir,
      'resources.json',
      (r) => void r.push({ ...r[0], id: 'shell_bed', name: 'Shell Bed', item: 'shell' }),
    );
    const second = await apply();
    const secondTick = (second as { tick: number }).tick;
    for (let i = 0; i < 3; i++) db.engine.runTick();
    await db.engine.flush();
    expect(lines).toContain(`content reloaded at tick ${firstTick}: ~1 item (rev 2)`);
    expect(lines).toContain(
      `content reloaded at tick ${secondTick}: +1 item, ~1 recipe, +1 resource (rev 3)`,
    );

    // Replay from tick 1 re-executes init with its logged content, then both reloads.
    const report = await db.replay(1, db.engine.tick);
    expect(report).toMatchObject({ ok: true, verifiedTicks: db.engine.tick });

    // asOf: each tick sees the content of its time.
    expect((await db.asOf(firstTick - 1)).tables.item_def!.find('stick')).toMatchObject({ name: 'Stick' });
    expect((await db.asOf(firstTick)).tables.item_def!.find('stick')).toMatchObject({ name: 'Twig' });
    expect((await db.asOf(secondTick - 1)).tables.item_def!.find('shell')).toBeUndefined();
    expect((await db.asOf(secondTick)).tables.item_def!.find('shell')).toMatchObject({ name: 'Shell' });
    await db.close();

    const listed = await cli(['--data', dataDir, 'content']);
    expect(listed.status).toBe(0);
    expect(listed.out).toEqual([
      expect.stringMatching(
        /^rev 1 {2}tick 1 {2}[0-9a-f]{12} {2}__init {2}41 items, \d+ recipes, \d+ resources/,
      ),
      expect.stringMatching(new RegExp(`^rev 2  tick ${firstTick}  [0-9a-f]{12}  content_reload  ~1 item$`)),
      expect.stringMatching(
        new RegExp(
          `^rev 3  tick ${secondTick}  [0-9a-f]{12}  content_reload  \\+1 item, ~1 recipe, \\+1 resource$`,
        ),
      ),
    ]);
    const hashes = listed.out.map((l) => l.split('  ')[2]);
    expect(new Set(hashes).size).toBe(3);

    // A restart over edited files applies them in its first tick, the same way.
    edit(contentDir, 'items.json', (items) => items.filter((i: any) => i.id !== 'shell'));
    edit(contentDir, 'resources.json', (r) => r.filter((x: any) => x.id !== 'shell_bed'));
    edit(contentDir, 'recipes.json', (r) => void (r.find((x: any) => x.id === 'rope').craftMs -= 100));
    const again = await openWorld(dataDir, contentDir);
    const restartLines: string[] = [];
    const followed = await follow(again, contentDir, restartLines);
    const lastBefore = again.engine.tick;
    again.engine.serverStarted();
    again.engine.runTick();
    const startup = await followed.content.startup;
    expect(startup).toMatchObject({ ok: true, changed: true, trigger: 'startup', tick: lastBefore + 1 });
    expect(restartLines).toContain(
      `content reloaded at tick ${lastBefore + 1}: -1 item, ~1 recipe, -1 resource (rev 4)`,
    );
    await again.engine.flush();
    expect(await again.replay(1, again.engine.tick)).toMatchObject({ ok: true });
    await again.close();
    const relisted = await cli(['--data', dataDir, 'content', '--json']);
    const last = JSON.parse(relisted.out.at(-1)!);
    expect(last).toMatchObject({
      rev: 4,
      tick: lastBefore + 1,
      cause: 'content_reload',
      summary: '-1 item, ~1 recipe, -1 resource',
    });
    // Back to rev 2's content: rev 2's hash (a hash of the content, not of how the files are laid out).
    expect(last.hash).toBe(JSON.parse(relisted.out[1]!).hash);
  });

  it('keeps a world with history on its last good content when the files are invalid; a new world refuses', async () => {
    const dataDir = tempDir();
    const contentDir = copyContent();
    const db = await openWorld(dataDir, contentDir);
    db.engine.runTick();
    await db.engine.flush();
    await db.close();
    edit(contentDir, 'items.json', (items) => void (items[0].stackSize = 0));

    const again = await openWorld(dataDir, contentDir);
    const lines: string[] = [];
    const { content } = await follow(again, contentDir, lines);
    const startup = await content.startup;
    expect(startup).toMatchObject({ ok: false, trigger: 'startup' });
    expect(again.engine.queuedCalls).toBe(0);
    expect(lines[0]).toBe(
      `content in ${contentDir} has 1 problem: serving the world's last good content (rev 1, from its log); fix the files and save to apply them`,
    );
    expect(lines[1]).toMatch(/^ {2}items\.json:\d+ \[0\]\.stackSize: TYPE: /);
    expect(again.engine.db.item_def.find('stick')!.stackSize).toBeGreaterThan(0);
    await again.close();

    const fresh = await openWorld(tempDir(), contentDir);
    await expect(serveContent(fresh.engine, { dir: contentDir, print: () => {} })).rejects.toMatchObject({
      code: 'INVALID_CONTENT',
      message: expect.stringMatching(
        /this new world cannot start: 1 content problem\(s\):\n {2}items\.json:\d+ \[0\]\.stackSize/,
      ),
    });
    // Nor can a new world's first tick run on it.
    expect(() => fresh.engine.runTick()).toThrow(/this new world cannot start/);
    expect(fresh.engine.tick).toBe(0);
    await fresh.close();
  });

  it('says so for a data directory without content tables', async () => {
    const dir = tempDir();
    const db = await openBank(dir);
    db.engine.runTick();
    await db.engine.flush();
    await db.close();
    expect(await cli(['--data', dir, 'content'])).toMatchObject({
      status: 0,
      out: ['this data directory has no content tables (item_def, world_info): not a Frontier world'],
    });
  });

  it('lists a rewind that restores older content as a version with the hash of that content', async () => {
    const dataDir = tempDir();
    const contentDir = copyContent();
    const db = await openWorld(dataDir, contentDir);
    const { apply } = await follow(db, contentDir, []);
    db.engine.runTick();
    edit(contentDir, 'items.json', (items) => void (items[0].name = 'Twig'));
    expect(await apply()).toMatchObject({ ok: true, changed: true });
    db.engine.start(); // a rewind reads the log first, then commits in a later tick
    const { tick } = await db.rewind(1);
    await db.engine.stop();
    expect(db.engine.db.item_def.find('stick')!.name).toBe('Stick');
    await db.close();
    const listed = (await cli(['--data', dataDir, 'content', '--json'])).out.map((l) => JSON.parse(l));
    expect(listed.map((v) => [v.rev, v.cause, v.summary])).toEqual([
      [1, '__init', expect.stringMatching(/^41 items/)],
      [2, 'content_reload', '~1 item'],
      [1, '__rewind', '~1 item'],
    ]);
    expect(listed[2]).toMatchObject({ tick, hash: listed[0].hash });
  });
});
