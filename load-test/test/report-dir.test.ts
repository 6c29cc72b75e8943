import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORT_DIR } from '../src/report-dir';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

describe('load-test reports', () => {
  it('go by default to a git-ignored folder, not among the committed figures', async () => {
    expect(DEFAULT_REPORT_DIR).toBe(join(root, 'loadtest-results'));
    const report = join(DEFAULT_REPORT_DIR, 'loadtest-tickspace-100.json');
    // check-ignore exits 0 when the path is ignored, 1 when it would be an untracked file.
    await run('git', ['check-ignore', '-q', report], { cwd: root });
    await expect(
      run('git', ['check-ignore', '-q', join(root, 'bench-results', 'x.json')], { cwd: root }),
    ).rejects.toThrow();
  });

  it('--help names --out with that default', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(root, 'load-test', 'src', 'cli.ts'), '--help'],
      {
        cwd: root,
      },
    );
    expect(stdout).toMatch(/--out <dir>\s+directory for the reports \(git-ignored by default\)/);
    expect(stdout).toContain('loadtest-results');
  });
});
