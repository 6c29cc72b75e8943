import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initProject, TEMPLATE_TSX_RANGE } from '../../src/cli/init';
import { runCli } from '../../src/cli';

const root = join(__dirname, '..', '..', '..');

describe('tickspace init', () => {
  it('writes the template with the project name and the dependency filled in', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'init-')), 'space-race');
    const result = initProject(dir, 'file:/somewhere/tickspace-0.1.0.tgz');
    expect(result.files).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'public/client.js',
      'public/index.html',
      'src/module.ts',
      'test/game.test.ts',
    ]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: 'space-race',
      dependencies: { tickspace: 'file:/somewhere/tickspace-0.1.0.tgz' },
      devDependencies: { tsx: TEMPLATE_TSX_RANGE },
    });
    expect(readFileSync(join(dir, 'public', 'index.html'), 'utf8')).toContain('<title>space-race</title>');
    for (const f of result.files) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/__[A-Z]+__/);
    const version = JSON.parse(readFileSync(join(root, 'server', 'package.json'), 'utf8')).version;
    const plain = initProject(join(dir, '..', 'plain'));
    expect(JSON.parse(readFileSync(join(plain.dir, 'package.json'), 'utf8')).dependencies.tickspace).toBe(
      `^${version}`,
    );
  });

  it("pins the repository's own tsx range", () => {
    const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(TEMPLATE_TSX_RANGE).toBe(rootPkg.devDependencies.tsx);
  });

  it('refuses a folder that is not empty and a name npm would refuse, writing nothing', async () => {
    const base = mkdtempSync(join(tmpdir(), 'init-'));
    mkdirSync(join(base, 'taken'));
    writeFileSync(join(base, 'taken', 'notes.txt'), 'mine');
    const out: string[] = [];
    const err: string[] = [];
    const status = await runCli(['init', join(base, 'taken')], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect(status).toBe(2);
    expect(err[0]).toMatch(
      /^error \[INVALID_ARGUMENT\]: tickspace init .*taken exists and is not empty; name a new folder$/,
    );
    expect(() => initProject(join(base, 'My Game'))).toThrow(/'My Game' cannot be a package name/);
    expect(readFileSync(join(base, 'taken', 'notes.txt'), 'utf8')).toBe('mine');
  });
});
