// The packed `tickspace` package, as a newcomer uses it: installed with real npm into empty folders
// outside the repository, the README's bank example run on plain Node and type-checked with
// NodeNext resolution, and a project made by `npx tickspace init` whose `npm test` passes and whose
// `npm start` serves the game.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/client';
import { createSchema, defineModule, t, table } from '../../src/engine';
import { openDatabase } from '../../src/engine/tooling';
import { createFrontier } from '../../src/world';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..');
const npmFlags = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
let work: string;
let tarball: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tickspace-package-'));
  const { stdout } = await run(
    process.execPath,
    [join(root, 'scripts', 'pack.mjs'), '--out', join(work, 'pack')],
    {
      cwd: root,
    },
  );
  expect(stdout).toMatch(/^packed /m);
  const file = readdirSync(join(work, 'pack')).find((f) => /^tickspace-.*\.tgz$/.test(f));
  expect(file).toBeDefined();
  tarball = join(work, 'pack', file!);
}, 300_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** esbuild's import statements (one per line) and dynamic imports of a literal. */
const IMPORT_PATTERN = /^(?:import|export)\b[^;'"]*?["']([^"']+)["'];$|\bimport\(["']([^"']+)["']\)/gm;

/**
 * A README example with `tickspace` imports in place of the repository's paths: the first one (the
 * bank), or the first that contains `marker`.
 */
function readmeExample(marker?: string): { code: string; expected: string[] } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts example\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = marker === undefined ? blocks[0]! : blocks.find((b) => b.includes(marker))!;
  expect(block).toBeDefined();
  const code = block
    .replaceAll("'./server/src/engine'", "'tickspace'")
    .replaceAll("'./server/src/net'", "'tickspace/server'")
    .replaceAll("'./server/src/client'", "'tickspace/client'");
  expect(code).not.toContain('./server/src');
  const expected = [...code.matchAll(/\/\/ -> (.*)$/gm)].map((m) => m[1]!.trim());
  return { code, expected };
}

describe('the packed tickspace package', () => {
  it('depends on exactly the packages its JavaScript imports', () => {
    const stage = join(work, 'pack', 'package');
    const pkg = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8'));
    const imported = new Set<string>();
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
      );
    for (const file of walk(join(stage, 'dist')))
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_PATTERN)) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('.')) continue;
        if (spec.startsWith('node:')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    // Frontier's content schema is compiled in (a private workspace is never a dependency).
    expect(imported.has('@tickspace/content')).toBe(false);
    // esbuild-wasm bundles modules: esbuild's native package would bring an install script.
    expect(pkg.dependencies).not.toHaveProperty('esbuild');
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...imported].sort());
    expect(pkg.name).toBe('tickspace');
    expect(Object.keys(pkg.exports)).toEqual(
      expect.arrayContaining(['.', './server', './client', './testing', './browser-client']),
    );
  });

  it("runs the README's bank example on plain Node from an empty folder (npm install <tarball> ws)", async () => {
    const dir = join(work, 'bank');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bank', private: true, type: 'module' }));
    const installed = await run('npm', ['install', tarball, 'ws', ...npmFlags.slice(0, -1)], { cwd: dir });
    // A plain install asks the user to judge no install script (esbuild's native one included).
    expect(installed.stderr).not.toMatch(/install-scripts/);
    const review = await run('npm', ['install-scripts', 'ls'], { cwd: dir });
    expect(review.stdout.trim()).toBe('No packages with unreviewed install scripts.');
    const { code, expected } = readmeExample();
    writeFileSync(join(dir, 'bank.ts'), code);
    // Plain Node runs JavaScript: the TypeScript is stripped as any build tool would.
    writeFileSync(join(dir, 'bank.mjs'), transformSync(code, { loader: 'ts', format: 'esm' }).code);
    const { stdout } = await run(process.execPath, ['bank.mjs'], { cwd: dir });
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.trim()),
    ).toEqual(expected);
    // The README's embedding example: openDatabase from tickspace/server, a world that outlives its process.
    const embed = readmeExample('openDatabase({ dir, module: guestbook })');
    writeFileSync(join(dir, 'guestbook.ts'), embed.code);
    writeFileSync(
      join(dir, 'guestbook.mjs'),
      transformSync(embed.code, { loader: 'ts', format: 'esm' }).code,
    );
    const guests = await run(process.execPath, ['guestbook.mjs'], { cwd: dir });
    expect(guests.stdout.trim().split('\n')).toEqual(embed.expected);

    // The declarations resolve under NodeNext (a TypeScript project's strictest setting) and type the
    // example; in the same program, a wrong column type is an error (one tsc run: it is the slow part).
    writeFileSync(
      join(dir, 'wrong.ts'),
      [
        "import { createSchema, t, table } from 'tickspace';",
        'const s = createSchema({ a: table({ public: true }, { id: t.u32().primaryKey(), n: t.i64() }) });',
        "export const x = s.reducer('x', {}, (ctx) => void ctx.db.a.insert({ id: 1, n: 30 }));",
      ].join('\n'),
    );
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        typeRoots: [join(root, 'node_modules', '@types')],
        types: ['node'],
        paths: { ws: [join(root, 'node_modules', '@types', 'ws', 'index.d.ts')] },
      },
      files: ['bank.ts', 'guestbook.ts', 'wrong.ts'],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir];
    const errors = await run(process.execPath, tsc, { cwd: dir }).then(
      () => '',
      (e: { stdout: string }) => e.stdout,
    );
    expect(errors.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^wrong\.ts\(3,\d+\): error TS2322: Type 'number' is not assignable to type 'bigint'/,
      ),
    ]);
  }, 300_000); // a few seconds on a quiet machine; npm and tsc slow down a lot on a loaded one

  it("`tickspace content` from the package lists a Frontier world's content versions, and names a world without content", async () => {
    const dir = join(work, 'bank'); // tickspace is installed here
    const frontierDir = join(work, 'frontier-data');
    const frontier = await createFrontier({ seed: 'package', worldTiles: 512 });
    const db = await openDatabase({
      dir: frontierDir,
      module: frontier.module,
      seed: 'package',
      durability: 'never',
    });
    db.engine.runTick();
    await db.engine.flush();
    await db.close();
    const listed = await run('npx', ['--no', '--', 'tickspace', '--data', frontierDir, 'content'], {
      cwd: dir,
    });
    expect(listed.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^rev 1 {2}tick 1 {2}[0-9a-f]{12} {2}__init {2}\d+ items, \d+ recipes/),
    ]);
    // A world of another module: said so, before the content helpers load.
    const plainDir = join(work, 'plain-data');
    const s = createSchema({ note: table({ public: true }, { id: t.u32().primaryKey() }) });
    const plain = await openDatabase({
      dir: plainDir,
      module: defineModule(s, { reducers: [] }),
      durability: 'never',
    });
    plain.engine.runTick();
    await plain.engine.flush();
    await plain.close();
    const none = await run('npx', ['--no', '--', 'tickspace', '--data', plainDir, 'content'], { cwd: dir });
    expect(none.stdout.trim()).toBe(
      'this data directory has no content tables (item_def, world_info): not a Frontier world',
    );
  }, 300_000);

  it('makes a project with `npx tickspace init` whose npm test passes and whose npm start serves', async () => {
    const dir = join(work, 'bank'); // tickspace is installed here, so npx finds its bin
    const { stdout: made } = await run(
      'npx',
      ['--no', 'tickspace', 'init', 'my-game', '--tickspace', `file:${tarball}`],
      {
        cwd: dir,
      },
    );
    expect(made).toContain('created my-game');
    const game = join(dir, 'my-game');
    expect(JSON.parse(readFileSync(join(game, 'package.json'), 'utf8')).dependencies.tickspace).toBe(
      `file:${tarball}`,
    );
    const again = await run('npx', ['--no', 'tickspace', 'init', 'my-game'], { cwd: dir }).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect(again).toMatchObject({ code: 2, stderr: expect.stringMatching(/exists and is not empty/) });

    // Warnings shown: a newcomer's first install asks them to judge no install script.
    const installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: game,
    });
    expect(installed.stderr).not.toMatch(/install-scripts/);
    // Frontier is not in the package: serve without --module says what to do.
    const noModule = await run('npx', ['--no', 'tickspace', 'serve', '--port', '0'], { cwd: game }).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect(noModule).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/name the module to serve: 'tickspace serve --module/),
    });
    const tested = await run('npm', ['test'], { cwd: game });
    expect(tested.stdout).toMatch(/^# pass 1$/m);
    expect(tested.stdout).toMatch(/^# fail 0$/m);

    const server = spawn('npm', ['start'], {
      cwd: game,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await lineMatching(
        server,
        /^Tickspace \d+\.\d+\.\d+ is serving my-game \(src\/module\.ts\) at (http:\/\/127\.0\.0\.1:\d+)\//m,
      );
      const page = await fetch(`${url}/`);
      expect(await page.text()).toContain('<title>my-game</title>');
      const sdk = await fetch(`${url}/tickspace-client.js`);
      expect(sdk.status).toBe(200);
      expect(await sdk.text()).toContain('function connect');
      // The admin console's page ships prebuilt in the package (no TypeScript source to bundle there).
      const consoleScript = await fetch(`${url}/admin/console.js`);
      expect(consoleScript.status).toBe(200);
      expect(await consoleScript.text()).toContain('Tickspace admin');

      const conn = await connect({ url: `${url.replace('http', 'ws')}/ws`, WebSocket });
      await conn.subscribe({ table: 'player' }).applied;
      await conn.call('join', { name: 'Ada' });
      await conn.call('score', {});
      expect([...conn.db.player!.iter()]).toEqual([{ id: conn.identity, name: 'Ada', points: 1 }]);
      conn.close();
    } finally {
      const exited = new Promise((resolve) => server.on('exit', resolve));
      process.kill(-server.pid!, 'SIGINT');
      await exited;
    }
    // Frontier's spectator link means nothing for another module's page (all output is in once
    // the process has exited).
    const startup = printed.get(server) ?? '';
    expect(startup).toMatch(/admin console .*\/admin\n/);
    expect(startup).not.toMatch(/\?history/);
  }, 300_000); // a few seconds on a quiet machine; npm and tsc slow down a lot on a loaded one
});

/** Everything each child printed on stdout so far. */
const printed = new WeakMap<ChildProcess, string>();

/** Resolves with the first capture group of the first stdout line that matches. */
function lineMatching(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      printed.set(child, out);
      const m = pattern.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}) before serving:\n${out}`)));
  });
}
