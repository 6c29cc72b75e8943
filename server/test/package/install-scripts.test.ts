import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..', '..');

describe('install scripts', () => {
  it('npm has no unreviewed install script to warn a newcomer about', async () => {
    // npm 11's `install-scripts` review: esbuild's postinstall is approved; msgpackr-extract's (the
    // Colyseus peer's msgpackr, load-test only) is denied: it builds from source only when no
    // prebuilt binary fits, and msgpackr runs without the native part.
    const { stdout } = await promisify(execFile)('npm', ['install-scripts', 'ls'], { cwd: root });
    expect(stdout.trim()).toBe('No packages with unreviewed install scripts.');
  });

  it('the denied msgpackr-extract still loads its prebuilt binary on this platform', () => {
    const require = createRequire(join(root, 'load-test', 'package.json'));
    const extract = require('msgpackr-extract') as { extractStrings?: unknown };
    expect(typeof extract.extractStrings).toBe('function');
  });
});
