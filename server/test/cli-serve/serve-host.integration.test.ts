/**
 * `tickspace serve` is generic: a module file may attach host-side behaviour with a `serveHost`
 * export, called after recovery and before the first tick, and closed on stop.
 */
import { existsSync } from 'node:fs';
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

/** `tickspace serve` of the hosted fixture module over a fresh data directory, cleaned up after the test. */
async function serveHostedModule() {
  const data = tempDataDir();
  cleanups.push(data.remove);
  const s = await startServe({
    dataDir: data.dir,
    args: ['--no-sandbox', '--module', fixture('hosted-module.ts')],
  });
  running.push(s);
  return { data, s };
}

describe('serveHost', () => {
  it('is called after recovery, before the first tick, and closed before the final tick', async () => {
    const { data, s } = await serveHostedModule();
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

describe('serve with another module', () => {
  it("serves no page without --static (Frontier's client is Frontier's) and says so", async () => {
    const { s } = await serveHostedModule();
    await s.waitFor(/no --static DIR given: serving the WebSocket and the admin console only/);
    // Frontier's build is there (npm test builds it first), and still not this module's page.
    expect(existsSync(path.join(REPO_ROOT, 'client-demo', 'dist', 'index.html'))).toBe(true);
    expect((await fetch(`http://127.0.0.1:${s.port}/`)).status).toBe(404);
    expect(s.output()).not.toMatch(/time travel/);
    s.child.kill('SIGINT');
    expect(await s.exited).toMatchObject({ code: 0 });
  });

  it("a restart naming no seed keeps the world's own; a different named seed is refused", async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const args = ['--no-sandbox', '--module', fixture('hosted-module.ts')];
    const first = await startServe({ dataDir: data.dir, args, seed: 'own-seed' });
    running.push(first);
    first.child.kill('SIGINT');
    expect(await first.exited).toMatchObject({ code: 0 });
    const again = await startServe({ dataDir: data.dir, args, unsetEnv: ['TICKSPACE_SEED'] });
    running.push(again);
    again.child.kill('SIGINT');
    expect(await again.exited).toMatchObject({ code: 0 });
    const info = await runTickspace(['--data', data.dir, 'info']);
    expect(info.out).toMatch(/seed\W+own-seed/);
    const refused = await runTickspace(['--data', data.dir, 'serve', '--port', '0', ...args], {
      TICKSPACE_SEED: 'another-seed',
    });
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/was created with seed "own-seed", not "another-seed"/);
  });
});
