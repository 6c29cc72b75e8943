import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasTaskset } from '../src/server-process';

const serverProcess = fileURLToPath(new URL('../src/server-process.ts', import.meta.url));

/** Runs a fresh Node process that pins itself to core 1, as the driver does, and reports what it sees. */
function pinInChild(): { pinned: boolean; startupCores: number; availableAfter: number } {
  const script = `
    const m = await import(${JSON.stringify(serverProcess)});
    const { availableParallelism } = await import('node:os');
    const pinned = m.pinSelf('1');
    console.log(JSON.stringify({ pinned, startupCores: m.startupCores, availableAfter: availableParallelism() }));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    pinned: boolean;
    startupCores: number;
    availableAfter: number;
  };
}

describe('core pinning across runs in one driver process', () => {
  it('keeps the start-up core count after the driver pins itself, so later runs still pin their server', () => {
    const seen = pinInChild();
    if (!hasTaskset() || availableParallelism() < 2) {
      // Nothing to pin here: the driver must not claim it pinned anything.
      expect(seen.pinned).toBe(false);
      return;
    }
    expect(seen.pinned).toBe(true);
    // The OS now reports the one core the driver is pinned to...
    expect(seen.availableAfter).toBe(1);
    // ...but the decision to pin the next server reads the count the process started with.
    expect(seen.startupCores).toBe(availableParallelism());
  });
});
