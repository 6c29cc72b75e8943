// Runs every benchmark (`*.bench.ts` under server/bench, sim/bench, load-test/bench, client-demo/bench),
// or only those whose path contains one of the arguments: `npm run bench -- engine log`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const dirs = ['server/bench', 'sim/bench', 'load-test/bench', 'client-demo/bench'];
const files = dirs
  .filter((d) => existsSync(d))
  .flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.bench.ts'))
      .map((f) => join(d, f)),
  )
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n# ${file}`);
  const result = spawnSync('npx', ['tsx', file], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`benchmark ${file} failed with status ${result.status}`);
  }
}
console.log(`\n${files.length - failed} benchmark(s) ran, ${failed} failed; JSON in bench-results/`);
process.exit(failed > 0 ? 1 : 0);
