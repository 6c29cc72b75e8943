/**
 * `tickspace serve` is generic: a module file may attach host-side behaviour with a `serveHost`
 * export, called after recovery and before the first tick, and closed on stop.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runTickspace, startServe, tempDataDir, type ServeProcess } from './serve-process';

const running: ServeProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const s of running.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
});

const fixture = (name: string) => path.join(REPO_ROOT, 'server', 'test', 'cli-serve', 'fixtures', name);

describe('serveHost', () => {
  it('is called after recovery, before the first tick, and closed before the final tick', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const s = await startServe({
      dataDir: data.dir,
      args: ['--no-sandbox', '--module', fixture('hosted-module.ts')],
    });
    running.push(s);
    await s.waitFor(
      new RegExp(`host attached to ${data.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at tick 0`),
    );
    s.child.kill('SIGINT');
    expect(await s.exited).toMatchObject({ code: 0 });
    expect(s.output()).toMatch(/host closed\n[\s\S]*stopped cleanly at tick/);
    // What the host queued ran in the first tick, logged like any call.
    const notes = await runTickspace(['--data', data.dir, 'inspect', 'note']);
    expect(notes.out).toMatch(/\{id: 1, text: "queued by the host", tick: 1\}/);
  });

  it('refuses an export that is not a function, naming it, and leaves no lock behind', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const refused = await runTickspace([
      '--data',
      data.dir,
      'serve',
      '--port',
      '0',
      '--no-sandbox',
      '--module',
      fixture('bad-host-module.ts'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(
      /error \[INVALID_ARGUMENT\]: .*bad-host-module\.ts: the 'serveHost' export must be a function/,
    );
    const again = await runTickspace(['--data', data.dir, 'info']);
    expect(again.code).toBe(0);
  });
});
