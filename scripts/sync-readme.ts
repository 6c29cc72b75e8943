// Regenerates the README's error-code table from the TSDoc comments in server/src/protocol/errors.ts.
// Run: npx tsx scripts/sync-readme.ts
import { readFileSync, writeFileSync } from 'node:fs';

const source = readFileSync('server/src/protocol/errors.ts', 'utf8');
const body = source.slice(source.indexOf('export const ERROR_CODES'), source.indexOf('} as const;'));
const rows: string[] = [];
for (const m of body.matchAll(/\/\*\*\s*([\s\S]*?)\s*\*\/\s*\n\s*([A-Z_]+):/g)) {
  const doc = m[1]!
    .replace(/\n\s*\*\s?/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
  rows.push(`| \`${m[2]}\` | ${doc} |`);
}
const table = ['| code | meaning |', '|---|---|', ...rows].join('\n');
const readme = readFileSync('README.md', 'utf8');
const start = '<!-- error-codes:start -->';
const end = '<!-- error-codes:end -->';
const next =
  readme.slice(0, readme.indexOf(start) + start.length) +
  '\n' +
  table +
  '\n' +
  readme.slice(readme.indexOf(end));
writeFileSync('README.md', next);
console.log(`README: ${rows.length} error codes`);
