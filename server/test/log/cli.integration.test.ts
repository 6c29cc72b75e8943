import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { drive, openBank, tempDir } from './helpers';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/tickspace.mjs');

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr }));
  });
}

describe('tickspace launcher (real process)', () => {
  it('runs the TypeScript CLI through tsx: a log listing, a foreign directory, help', async () => {
    const dir = tempDir();
    const db = await openBank(dir);
    const hashes = await drive(db, 3);
    await db.close();
    const [log, foreign, help] = await Promise.all([run('--data', dir, 'log'), run('--data', path.dirname(dir), 'info'), run('--help')]);
    expect(log.code).toBe(0);
    expect(log.stdout.split('\n')[0]).toMatch(/^tick 1 @50ms hash [0-9a-f]{16} \| 4 call\(s\)/);
    expect(log.stdout).toContain(`tick 3 @150ms hash ${hashes.get(3)}`);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr.trim()).toBe(`error [BAD_DATA_DIR]: ${path.dirname(dir)} is not a Tickspace data directory: it has no tickspace.json`);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'info', 'log', 'inspect', 'history', 'rewind', 'replay', 'snapshot', 'repair']) expect(help.stdout).toContain(command);
  });
});
