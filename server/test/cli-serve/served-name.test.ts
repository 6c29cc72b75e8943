import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { productName, servedModuleName } from '../../src/cli/served-name';

describe('the names start-up prints', () => {
  it('names a module file after its package, Frontier by name, and a file outside any package by its path', () => {
    const project = mkdtempSync(join(tmpdir(), 'served-name-'));
    mkdirSync(join(project, 'game', 'src'), { recursive: true });
    writeFileSync(join(project, 'game', 'package.json'), JSON.stringify({ name: 'my-game' }));
    const cwd = join(project, 'game');
    expect(servedModuleName('src/module.ts', false, cwd)).toBe('my-game (src/module.ts)');
    expect(servedModuleName(join(cwd, 'src', 'module.ts#bank'), false, cwd)).toBe('my-game (src/module.ts)');
    expect(servedModuleName('/work/x/server/src/cli/frontier-module.ts', true, '/work/x')).toBe(
      'Frontier (server/src/cli/frontier-module.ts)',
    );
    const loose = mkdtempSync(join(tmpdir(), 'served-name-loose-'));
    writeFileSync(join(loose, 'bank.ts'), '');
    expect(servedModuleName(join(loose, 'bank.ts'), false, loose)).toMatch(/^(bank\.ts|\S+ \(bank\.ts\))$/);
  });

  it('names the product with the version of the kit', () => {
    const version = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version;
    expect(productName()).toBe(`Tickspace ${version}`);
  });
});
