import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/protocol/errors';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** Code blocks fenced as ```ts example. */
function examples(markdown: string): string[] {
  return [...markdown.matchAll(/```ts example\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README', () => {
  const blocks = examples(readme);

  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  blocks.forEach((code, i) => {
    it(`example ${i + 1} prints what its // -> comments say`, () => {
      const expected = [...code.matchAll(/\/\/ -> (.*)$/gm)].map((m) => m[1]!.trim());
      expect(expected.length).toBeGreaterThan(0);
      // The example imports with paths relative to the repository root, so it runs from there.
      const file = join(root, `.readme-example-${i}.ts`);
      writeFileSync(file, code);
      try {
        const output = execFileSync(process.execPath, ['--import', 'tsx', file], {
          cwd: root,
          encoding: 'utf8',
        });
        const lines = output
          .trim()
          .split('\n')
          .map((l) => l.trim());
        expect(lines).toEqual(expected);
      } finally {
        rmSync(file, { force: true });
      }
    }, 60_000);
  });

  it('lists every error code', () => {
    const missing = Object.values(ERROR_CODES).filter((code) => !readme.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});
