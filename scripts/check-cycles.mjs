// Fails when any import cycle exists among the project's TypeScript sources.
import madge from 'madge';

const roots = ['server/src', 'sim/src', 'load-test/src', 'client-demo/src'];
const existing = (await import('node:fs')).default;
const dirs = roots.filter((r) => existing.existsSync(r));
const result = await madge(dirs, {
  fileExtensions: ['ts'],
  tsConfig: 'tsconfig.json',
  detectiveOptions: { ts: { skipTypeImports: true } },
});
const cycles = result.circular();
if (cycles.length > 0) {
  console.error(`import cycles found (${cycles.length}):`);
  for (const cycle of cycles) console.error('  ' + cycle.join(' -> '));
  process.exit(1);
}
console.log(`no import cycles among ${Object.keys(result.obj()).length} files`);
