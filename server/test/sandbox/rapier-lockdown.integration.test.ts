import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs rapier-lockdown-child.ts in a fresh process (`unlocked`, `ours` or `plain`). */
function child(mode: 'unlocked' | 'ours' | 'plain') {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'server/test/sandbox/rapier-lockdown-child.ts', mode],
    {
      encoding: 'utf8',
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('rapier after lockdown()', () => {
  it('plain ses lockdown on this Node breaks rapier at the first WASM memory growth', () => {
    const plain = child('plain');
    if (typeof Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached')?.get === 'function') {
      // A platform with a native `detached` getter (Node 22+): ses delegates to it, nothing to fix.
      expect(plain.status).toBe(0);
      return;
    }
    expect(plain.stderr).toContain('detached ArrayBuffer');
    expect(plain.status).toBe(1);
  });

  it('ensureLockdown gives rapier the same results as an unlocked process, run after run', () => {
    const unlocked = child('unlocked');
    const ours = child('ours');
    expect(ours.stderr).toBe('');
    expect(ours.status).toBe(0);
    const a = JSON.parse(unlocked.stdout) as { locked: boolean; same: boolean; first: number[] };
    const b = JSON.parse(ours.stdout) as { locked: boolean; same: boolean; first: number[] };
    expect([a.locked, b.locked]).toEqual([false, true]);
    expect([a.same, b.same]).toEqual([true, true]);
    expect(b.first).toEqual(a.first);
    expect(b.first.length).toBe(120);
  });
});
