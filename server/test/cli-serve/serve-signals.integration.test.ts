import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, tempDataDir, type ServeProcess } from './serve-process';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** `npm start`'s bootstrap in a process group of its own, as a terminal runs it. */
async function startBootstrap(
  args: readonly string[] = [],
): Promise<{ server: ServeProcess; dataDir: string }> {
  const data = tempDataDir();
  cleanups.push(data.remove);
  const server = await startServe({ dataDir: data.dir, viaBootstrap: true, detached: true, args });
  cleanups.push(() => {
    try {
      process.kill(-server.child.pid!, 'SIGKILL');
    } catch {}
  });
  return { server, dataDir: data.dir };
}

/** What a terminal's Ctrl-C does: the signal to every process of the foreground group. */
const signalGroup = (server: ServeProcess, signal: NodeJS.Signals = 'SIGINT') =>
  process.kill(-server.child.pid!, signal);

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;

describe('npm start (the bootstrap and serve) on SIGINT/SIGTERM', () => {
  it('one group SIGINT: exactly one clean stop, no stale LOCK, exit 0', async () => {
    const { server, dataDir } = await startBootstrap();
    signalGroup(server);
    const exit = await server.exited;
    const out = server.output();
    expect(exit, out).toEqual({ code: 0, signal: null });
    expect(count(out, /stopped cleanly at tick \d+/)).toBe(1);
    expect(out).not.toContain('forcing');
    expect(fs.existsSync(path.join(dataDir, 'LOCK'))).toBe(false);
  });

  it('several signals at once (the group SIGINT three times, npm forwarding one more, a SIGTERM): still exactly one clean stop', async () => {
    const { server, dataDir } = await startBootstrap();
    signalGroup(server);
    signalGroup(server);
    process.kill(server.child.pid!, 'SIGINT');
    signalGroup(server);
    signalGroup(server, 'SIGTERM');
    const exit = await server.exited;
    const out = server.output();
    expect(exit, out).toEqual({ code: 0, signal: null });
    expect(count(out, /stopped cleanly at tick \d+/)).toBe(1);
    expect(count(out, /: stopping/)).toBe(1);
    expect(out).not.toContain('forcing');
    expect(fs.existsSync(path.join(dataDir, 'LOCK'))).toBe(false);
  });

  it('a second signal once the stop is under way forces the exit, saying so', async () => {
    // One-minute ticks: the first runs at start-up, so the stop's final tick is a minute away and the
    // stop cannot end by itself before the second signal, however loaded the machine.
    const { server } = await startBootstrap(['--tick-ms', '60000']);
    signalGroup(server);
    await server.waitFor(/the server is stopping; another Ctrl-C forces it/);
    signalGroup(server);
    const exit = await server.exited;
    const out = server.output();
    expect(exit, out).toEqual({ code: 130, signal: null });
    expect(out).toMatch(/\[tickspace\] SIGINT again during the stop: forcing exit now/);
    expect(out).not.toContain('stopped cleanly');
  });
});
