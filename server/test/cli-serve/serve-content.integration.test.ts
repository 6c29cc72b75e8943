/**
 * Content is live, end to end: a real `tickspace serve` process follows a content directory.
 * An edit reaches a connected client as one logged tick, an invalid edit keeps the server and its
 * content, a restart applies what changed in its first tick, and `tickspace replay` from tick 1
 * reproduces the whole history. Waits are on the lines the process prints, never on time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { copyContent, edit } from '../../../content/test/fixtures';
import { connectClient, runTickspace, startServe, tempDataDir, type ServeProcess } from './serve-process';

const running: ServeProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const s of running.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
});

const ENV = { TICKSPACE_SEED: 'lifecycle-test', TICKSPACE_WORLD_TILES: '512' };

async function serve(dataDir: string, contentDir: string): Promise<ServeProcess> {
  const s = await startServe({
    dataDir,
    env: { TICKSPACE_CONTENT: contentDir, TICKSPACE_CONTENT_DEBOUNCE_MS: '50' },
  });
  running.push(s);
  await s.waitFor(/content: following /);
  return s;
}

async function stop(s: ServeProcess): Promise<void> {
  s.child.kill('SIGINT');
  expect(await s.exited).toMatchObject({ code: 0 });
}

/** Counts matches of a pattern in the output so far (to wait for the next one). */
const count = (s: ServeProcess, pattern: RegExp) => (s.output().match(new RegExp(pattern, 'g')) ?? []).length;

describe('tickspace serve follows its content directory', () => {
  it('applies an edit live, keeps running through an invalid one, applies a restart edit at start-up, and replays', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const contentDir = copyContent();
    const first = await serve(data.dir, contentDir);

    const client = await connectClient(first.port);
    await client.subscribe({ table: 'item_def' }).applied;
    const shellArrived = new Promise<string>((resolve) =>
      client.db.item_def.onInsert((row) => {
        if (row.id === 'shell') resolve(row.name);
      }),
    );
    edit(contentDir, 'items.json', (items) => void items.push({ ...items[0], id: 'shell', name: 'Shell' }));
    edit(
      contentDir,
      'resources.json',
      (r) => void r.push({ ...r[0], id: 'shell_bed', name: 'Shell Bed', item: 'shell' }),
    );
    const reloaded = await first.waitFor(
      /content reloaded at tick (\d+): \+1 item, \+1 resource \(rev 2\)\n/,
    );
    expect(await shellArrived).toBe('Shell');
    expect(count(first, /content reloaded at tick/)).toBe(1);

    // An invalid edit: every problem printed, the running content stays, the server keeps serving.
    edit(
      contentDir,
      'recipes.json',
      (r) => void (r.find((x: any) => x.id === 'rope').inputs[0].item = 'fibre'),
    );
    await first.waitFor(
      /content edit in .* rejected, 1 problem; the running content stays \(rev 2\)\n {2}recipes\.json:\d+ .*no item 'fibre' in items\.json; did you mean 'fiber'\?/,
    );
    expect(client.db.item_def.find('shell')).toMatchObject({ name: 'Shell' });
    edit(
      contentDir,
      'recipes.json',
      (r) => void (r.find((x: any) => x.id === 'rope').inputs[0].item = 'fiber'),
    );
    // The fix restores the recipe as it was: nothing to reload.
    await first.waitFor(/content saved in .*: nothing changed \(rev 2\)/);
    client.close();
    await stop(first);

    // An edit while stopped is applied in the first tick of the next start.
    edit(
      contentDir,
      'items.json',
      (items) => void (items.find((i: any) => i.id === 'shell').name = 'Sea Shell'),
    );
    const second = await serve(data.dir, contentDir);
    const recovered = Number(/recovered at tick (\d+)/.exec(second.output())![1]);
    await second.waitFor(new RegExp(`content reloaded at tick ${recovered + 1}: ~1 item \\(rev 3\\)`));
    const watcher = await connectClient(second.port);
    await watcher.subscribe({ table: 'item_def' }).applied;
    expect(watcher.db.item_def.find('shell')).toMatchObject({ name: 'Sea Shell' });
    watcher.close();
    await stop(second);

    const replay = await runTickspace(['--data', data.dir, 'replay'], {
      ...ENV,
      TICKSPACE_CONTENT: contentDir,
    });
    expect(replay.out).toMatch(/^replay 1\.\.\d+: all \d+ tick\(s\) reproduced the log/);
    expect(replay.code).toBe(0);
    const versions = await runTickspace(['--data', data.dir, 'content'], ENV);
    expect(versions.out.trim().split('\n')).toEqual([
      expect.stringMatching(/^rev 1 {2}tick 1 {2}[0-9a-f]{12} {2}__init {2}41 items/),
      expect.stringMatching(
        new RegExp(`^rev 2  tick ${reloaded[1]}  [0-9a-f]{12}  content_reload  \\+1 item, \\+1 resource$`),
      ),
      expect.stringMatching(
        new RegExp(`^rev 3  tick ${recovered + 1}  [0-9a-f]{12}  content_reload  ~1 item$`),
      ),
    ]);
  });

  it('serves a world with history on its last good content when the files are invalid at start-up, and refuses a new world', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const contentDir = copyContent();
    await stop(await serve(data.dir, contentDir));
    edit(contentDir, 'items.json', (items) => void (items[0].stackSize = 'lots'));

    const again = await serve(data.dir, contentDir);
    await again.waitFor(
      /content in .* has 1 problem: serving the world's last good content \(rev 1, from its log\)/,
    );
    await again.waitFor(/ {2}items\.json:\d+ \[0\]\.stackSize: TYPE: /);
    const client = await connectClient(again.port);
    await client.subscribe({ table: 'item_def' }).applied;
    expect(client.db.item_def.find('stick')!.stackSize).toBeGreaterThan(0);
    client.close();
    await stop(again);

    const fresh = tempDataDir();
    cleanups.push(fresh.remove);
    const refused = await runTickspace(['--data', fresh.dir, 'serve', '--port', '0'], {
      ...ENV,
      TICKSPACE_CONTENT: contentDir,
    });
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(
      /error \[INVALID_CONTENT\]: .*: this new world cannot start: 1 content problem\(s\):\n {2}items\.json:\d+ \[0\]\.stackSize: TYPE: /,
    );
    // Said as a content problem, not as a broken module file.
    expect(refused.out).not.toMatch(/cannot load module|unexpected failure|at .*\.ts:\d+/);
  });
});
