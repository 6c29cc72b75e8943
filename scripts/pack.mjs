// `npm run pack`: builds the server workspace into the `tickspace` package (compiled JavaScript,
// type declarations, a package.json of its own) and writes `dist/tickspace-<version>.tgz`.
// The repository's workspaces keep importing the TypeScript source; only the tarball is compiled.
// Usage: node scripts/pack.mjs [--out <dir>]   (default <repo>/dist, git-ignored)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverDir = join(root, 'server');
const args = process.argv.slice(2);
const outFlag = args.indexOf('--out');
const outDir = resolve(outFlag >= 0 ? args[outFlag + 1] : join(root, 'dist'));
const stage = join(outDir, 'package');
const serverPkg = JSON.parse(readFileSync(join(serverDir, 'package.json'), 'utf8'));

/** Subpath -> source entry. The CLI entries are what the `tickspace` bin runs. */
const ENTRIES = {
  index: 'src/engine/index.ts',
  server: 'src/net/index.ts',
  client: 'src/client/index.ts',
  testing: 'src/testing/index.ts',
  cli: 'src/cli.ts',
  'cli/serve': 'src/cli/serve.ts',
};
const SUBPATHS = { '.': 'index', './server': 'server', './client': 'client', './testing': 'testing' };

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// cli.ts imports serve.ts through a variable (it loads only for `serve`); in plain Node ESM the
// specifier needs its extension, which tsx and vitest supply for the source.
const serveSpecifier = {
  name: 'serve-specifier',
  setup(b) {
    b.onLoad({ filter: /[/\\]src[/\\]cli\.ts$/ }, (a) => {
      const text = readFileSync(a.path, 'utf8');
      const from = "const SERVE_MODULE = './cli/serve';";
      if (!text.includes(from)) throw new Error(`pack: ${a.path} no longer declares ${from}`);
      return { contents: text.replace(from, "const SERVE_MODULE = './cli/serve.js';"), loader: 'ts' };
    });
  },
};

// Frontier's content schema (a private workspace, never published) is compiled into the package:
// `tickspace content` and the world's content history load it, so a package user can read a
// Frontier data directory. Its one dependency, zod, the server depends on too.
const contentSchema = {
  name: 'content-schema',
  setup(b) {
    b.onResolve({ filter: /^@tickspace\/content\/schema$/ }, () => ({
      path: join(root, 'content', 'schema.ts'),
    }));
  },
};

// The package bundles modules with esbuild-wasm, esbuild's WebAssembly build: the same API and
// output with no install script (esbuild's native package has a postinstall that npm asks every
// package user to review). Pinned to the esbuild version the repository builds and tests with.
const WASM_ESBUILD = 'esbuild-wasm';
const wasmEsbuildVersion = JSON.parse(
  readFileSync(join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8'),
).version;

const result = await build({
  absWorkingDir: serverDir,
  entryPoints: Object.entries(ENTRIES).map(([out, src]) => ({ in: src, out })),
  outdir: join(stage, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [serveSpecifier, contentSchema],
  alias: { esbuild: WASM_ESBUILD },
});

// The admin console page, bundled now: the compiled server serves this file at /admin/console.js
// (the repository's source server bundles page/main.ts on its first request instead).
await build({
  absWorkingDir: serverDir,
  entryPoints: ['src/net/admin-console/page/main.ts'],
  outfile: join(stage, 'dist', 'admin-console.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'warning',
});

// The SDK as one browser file (no chunks, no Node built-ins): what a plain <script type="module"> loads.
await build({
  absWorkingDir: serverDir,
  entryPoints: ['src/client/index.ts'],
  outfile: join(stage, 'dist', 'browser', 'client.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
});

// The packed package depends on exactly the packages its JavaScript imports, at the server's ranges.
const imported = new Set();
for (const output of Object.values(result.metafile.outputs))
  for (const i of output.imports)
    if (i.external && !i.path.startsWith('node:') && !i.path.startsWith('.'))
      imported.add(i.path.startsWith('@') ? i.path.split('/').slice(0, 2).join('/') : i.path.split('/')[0]);
const builtin = new Set((await import('node:module')).builtinModules);
const dependencies = {};
for (const name of [...imported].filter((n) => !builtin.has(n)).sort()) {
  const range = name === WASM_ESBUILD ? wasmEsbuildVersion : serverPkg.dependencies?.[name];
  if (range === undefined)
    throw new Error(`pack: the build imports '${name}', which server/package.json does not depend on`);
  dependencies[name] = range;
}

// Declarations: tsc over the same entries; then relative specifiers gain the extension that
// Node16/NodeNext resolution needs (bundler resolution accepts both).
const typesDir = join(stage, 'types');
const tsconfig = join(stage, 'tsconfig.pack.json');
writeFileSync(
  tsconfig,
  JSON.stringify({
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: {
      declaration: true,
      emitDeclarationOnly: true,
      noEmit: false,
      rootDir: join(serverDir, 'src'),
      outDir: typesDir,
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
    },
    files: [...Object.values(ENTRIES).map((e) => join(serverDir, e)), ...typeShims()],
  }),
);
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], {
  stdio: 'inherit',
});
rmSync(tsconfig);
for (const file of walk(typesDir).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]*)\2/g, (all, pre, q, spec) => {
    if (/\.js$/.test(spec)) return all;
    const base = resolve(dirname(file), spec);
    if (existsSync(`${base}.d.ts`)) return `${pre}${q}${spec}.js${q}`;
    if (existsSync(join(base, 'index.d.ts'))) return `${pre}${q}${spec}/index.js${q}`;
    return all;
  });
  if (fixed !== text) writeFileSync(file, fixed);
}

const exportsMap = {};
for (const [subpath, name] of Object.entries(SUBPATHS))
  exportsMap[subpath] = { types: `./types/${typesPath(ENTRIES[name])}`, default: `./dist/${name}.js` };
exportsMap['./browser-client'] = './dist/browser/client.js';
exportsMap['./package.json'] = './package.json';

mkdirSync(join(stage, 'bin'), { recursive: true });
writeFileSync(
  join(stage, 'bin', 'tickspace.js'),
  "#!/usr/bin/env node\nimport { runCli } from '../dist/cli.js';\n\nprocess.exitCode = await runCli(process.argv.slice(2));\n",
  { mode: 0o755 },
);
const pkg = {
  name: 'tickspace',
  version: serverPkg.version,
  description: 'A TypeScript multiplayer game backend where the database runs the game logic.',
  type: 'module',
  license: 'MIT',
  engines: { node: '>=20.19' },
  exports: exportsMap,
  types: exportsMap['.'].types,
  bin: { tickspace: './bin/tickspace.js' },
  files: ['dist', 'types', 'bin', 'template', 'README.md'],
  dependencies,
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(join(stage, 'README.md'), packageReadme());
const templateSrc = join(serverDir, 'template');
if (existsSync(templateSrc)) copyTree(templateSrc, join(stage, 'template'));

const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], {
  cwd: stage,
  encoding: 'utf8',
}).trim();
const tarball = join(outDir, packed.split('\n').pop());
console.log(
  `packed ${relative(process.cwd(), tarball) || tarball} (dependencies: ${Object.keys(dependencies).join(', ')})`,
);

function typesPath(src) {
  return src.replace(/^src\//, '').replace(/\.ts$/, '.d.ts');
}

/** Ambient declarations the source relies on (the repository's `types/` folder). */
function typeShims() {
  const dir = join(root, 'types');
  return existsSync(dir) ? walk(dir).filter((f) => f.endsWith('.d.ts')) : [];
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function copyTree(from, to) {
  for (const file of walk(from)) {
    const target = join(to, relative(from, file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, readFileSync(file));
  }
}

function packageReadme() {
  return `# tickspace

A TypeScript multiplayer game backend where the database runs the game logic: typed tables,
reducers as atomic transactions, a fixed-rate tick, a durable commit log with time travel, and
subscriptions that push each client exactly the rows it watches.

- \`tickspace\`: the module-author API (\`createSchema\`, \`table\`, \`t\`, \`defineModule\`, \`ReducerError\`, \`createEngine\`)
- \`tickspace/server\`: \`createServer\` (WebSocket + HTTP) and the session hub
- \`tickspace/client\`: \`connect\`, the typed client SDK (browsers and Node)
- \`tickspace/testing\`: \`createTestWorld\`, players over an in-process transport in logical time
- \`npx tickspace init my-game\`: a new project; \`npx tickspace serve --module src/module.ts\` serves one

Full documentation: the Tickspace repository's README.
`;
}
