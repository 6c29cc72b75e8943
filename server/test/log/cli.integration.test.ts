import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { drive, openBank, tempDir } from './helpers';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/tickspace.mjs');
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../engine/fixtures.ts');

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr }),
    );
  });
}

describe('tickspace launcher (real process)', () => {
  it('runs the TypeScript CLI through tsx: a log listing, a foreign directory, help', async () => {
    const dir = tempDir();
    const db = await openBank(dir);
    const hashes = await drive(db, 3);
    await db.close();
    const [log, foreign, help] = await Promise.all([
      run('--data', dir, 'log'),
      run('--data', path.dirname(dir), 'info'),
      run('--help'),
    ]);
    expect(log.code).toBe(0);
    expect(log.stdout.split('\n')[0]).toMatch(/^tick 1 @50ms hash [0-9a-f]{16} \| 4 call\(s\)/);
    expect(log.stdout).toContain(`tick 3 @150ms hash ${hashes.get(3)}`);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr.trim()).toBe(
      `error [BAD_DATA_DIR]: ${path.dirname(dir)} is not a Tickspace data directory: it has no tickspace.json`,
    );
    expect(help.code).toBe(0);
    for (const command of [
      'serve',
      'info',
      'log',
      'inspect',
      'history',
      'rewind',
      'replay',
      'snapshot',
      'repair',
    ])
      expect(help.stdout).toContain(command);
  });
});

/**
 * Runs the CLI with the read end of `closed` (its stdout or stderr pipe) closed before the process
 * has printed anything, as `tickspace log | head` leaves it once head has its lines: every line
 * the command prints there fails with EPIPE. Resolves with the exit status and the other stream.
 */
function runIntoClosedPipe(
  closed: 'stdout' | 'stderr',
  ...args: string[]
): Promise<{ code: number | null; signal: string | null; other: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child[closed].destroy();
  let other = '';
  child[closed === 'stdout' ? 'stderr' : 'stdout'].on('data', (chunk: Buffer) => (other += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, other })));
}

describe('tickspace into a closed pipe (tickspace log | head)', () => {
  it('every verb exits quietly with its own status, and a write verb still completes', async () => {
    const dir = tempDir();
    const db = await openBank(dir, { modulePath: `${fixtures}#bank` });
    await drive(db, 40);
    await db.close();
    const verbs: { args: string[]; status: number }[] = [
      { args: ['--help'], status: 0 },
      { args: ['--data', dir, 'info'], status: 0 },
      { args: ['--data', dir, 'log', '--from', '1', '--changes'], status: 0 },
      { args: ['--data', dir, 'log', '--json'], status: 0 },
      { args: ['--data', dir, 'inspect', 'account'], status: 0 },
      { args: ['--data', dir, 'history', 'account', '1'], status: 0 },
      { args: ['--data', dir, 'replay'], status: 0 },
      { args: ['--data', dir, 'repair', '--dry-run'], status: 0 },
    ];
    const results = await Promise.all(verbs.map((v) => runIntoClosedPipe('stdout', ...v.args)));
    results.forEach((r, i) =>
      expect({ verb: verbs[i]!.args.join(' '), ...r }).toEqual({
        verb: verbs[i]!.args.join(' '),
        code: verbs[i]!.status,
        signal: null,
        other: '',
      }),
    );

    // The writing verbs run one at a time (they lock the directory) and finish their write.
    expect(await runIntoClosedPipe('stdout', '--data', dir, 'rewind', '5')).toEqual({
      code: 0,
      signal: null,
      other: '',
    });
    expect(await runIntoClosedPipe('stdout', '--data', dir, 'snapshot')).toEqual({
      code: 0,
      signal: null,
      other: '',
    });
    const log = await run('--data', dir, 'log', '--from', '41');
    expect(log.stdout).toMatch(/^tick 41 .*\n {2}\[0\] system +__rewind/);
    const info = await run('--data', dir, 'info');
    expect(info.stdout).toMatch(/snapshots at ticks 41\n/);

    // An error reported into a closed stderr keeps its status, without a stack trace on stdout.
    expect(await runIntoClosedPipe('stderr', '--data', path.dirname(dir), 'info')).toEqual({
      code: 2,
      signal: null,
      other: '',
    });
  });
});
