import { ESLint } from 'eslint';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

// The layer rules of DESIGN.md live in eslint.config.js; this test keeps them enforced by `npm test`.
describe('architecture', () => {
  it('respects the dependency direction between layers', async () => {
    const eslint = new ESLint({ cwd: process.cwd() });
    const results = await eslint.lintFiles(['server/src/**/*.ts']);
    const violations = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
        .map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(violations).toEqual([]);
    expect(results.length).toBeGreaterThan(10);
  }, 120_000);

  it('has no import cycles', async () => {
    const result = await madge('server/src', {
      fileExtensions: ['ts'],
      tsConfig: 'tsconfig.json',
      detectiveOptions: { ts: { skipTypeImports: true } },
    });
    expect(result.circular()).toEqual([]);
    expect(Object.keys(result.obj()).length).toBeGreaterThan(10);
  }, 120_000);
});
