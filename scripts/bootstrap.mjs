// Makes `npm start`, `npm test`, `npm run bench`... work as the very first command on a fresh clone:
// installs dependencies when they are missing or stale, builds what must be built, then runs the command.
// Plain Node with no dependencies, because it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command = 'start', ...rest] = process.argv.slice(2);
// TICKSPACE_BOOTSTRAP_CHECKS=0 skips the install and build checks: tests that run `start` while
// other tests use node_modules and the client build must never have them reinstalled or rebuilt.
const skipChecks = process.env.TICKSPACE_BOOTSTRAP_CHECKS === '0';

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/**
 * Runs the server as a child in a process group of its own and resolves with its status. A
 * terminal's Ctrl-C signals its whole foreground group, and npm forwards the signal once more: had
 * the child stayed in our group, one keypress would reach it two or three times and force its
 * stop. So only we signal it: the first SIGINT/SIGTERM is forwarded; later ones only once the child
 * has reported over IPC that its stop is under way, when another signal is meant to force it.
 */
function runForwardingSignals(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    let forwarded = false;
    let childStopping = false;
    child.on('message', (message) => {
      if (message?.type !== 'tickspace:stopping') return;
      childStopping = true;
      console.log('[tickspace] the server is stopping; another Ctrl-C forces it');
    });
    const forward = (signal) => {
      if (forwarded && !childStopping) return;
      forwarded = true;
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    // Should we die first, the child stops too: its IPC channel closes and it stops cleanly.
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function ensureInstalled() {
  if (skipChecks) return;
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && mtime(marker) >= mtime(join(root, 'package-lock.json'))) return;
  console.log('[tickspace] installing dependencies (npm ci)...');
  const status = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (status !== 0) process.exit(status);
}

/** Builds the browser client when its build is missing or older than its sources. */
function ensureClientBuilt() {
  if (skipChecks) return;
  const clientDir = join(root, 'client-demo');
  if (!existsSync(join(clientDir, 'vite.config.ts'))) return;
  const built = mtime(join(clientDir, 'dist', 'index.html'));
  const newest = Math.max(
    ...listFiles(join(clientDir, 'src')).map(mtime),
    mtime(join(clientDir, 'index.html')),
    ...listFiles(join(root, 'server', 'src', 'client')).map(mtime),
  );
  if (built >= newest) return;
  console.log('[tickspace] building the browser client (vite build)...');
  const status = run('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: clientDir });
  if (status !== 0) process.exit(status);
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return spawnSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

/**
 * A Debian package some tests need (chromium for the browser tests, nats-server for the region
 * fabric's): installed when we can (root with apt), else a line saying how.
 */
function ensureDebianPackage(pkg, present, why) {
  if (present()) return;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log(`[tickspace] installing ${pkg} for ${why} (apt-get)...`);
    run('sh', [
      '-c',
      `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg} >/dev/null`,
    ]);
    return;
  }
  console.warn(`[tickspace] ${pkg} not found: ${why} will fail. Install it (apt-get install ${pkg}).`);
}

const onPath = (...names) =>
  spawnSync('sh', ['-c', names.map((n) => `command -v ${n}`).join(' || ')], {
    encoding: 'utf8',
  }).stdout.trim() !== '';

function ensureTestPackages() {
  ensureDebianPackage(
    'chromium',
    () => onPath('chromium', 'chromium-browser'),
    'the browser tests (or set CHROMIUM_PATH)',
  );
  ensureDebianPackage(
    'nats-server',
    () => onPath('nats-server') || existsSync('/usr/sbin/nats-server') || Boolean(process.env.NATS_SERVER),
    'the region fabric tests (or set NATS_SERVER)',
  );
}

/** Runs vitest with a JSON report and ends with one plain line `N passed, N failed`. */
function runTests() {
  const reportFile = join(root, 'test-artifacts', 'vitest-report.json');
  const status = run('npx', [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...rest,
  ]);
  let passed = 0;
  let failed = 0;
  try {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    passed = report.numPassedTests ?? 0;
    failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
    if (status !== 0 && failed === 0) failed = 1;
  } catch {
    failed = Math.max(failed, 1);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return status !== 0 ? status : failed > 0 ? 1 : 0;
}

ensureInstalled();
let status = 0;
switch (command) {
  case 'dev':
  case 'start':
    ensureClientBuilt();
    // A 64 MB young generation: a tick keeps every call's records alive until it commits, and with
    // V8's default they are copied out of the young generation first; the engine benchmark's keynote
    // transfer runs about 2x faster with it (README, Benchmarks).
    status = await runForwardingSignals(process.execPath, [
      '--max-semi-space-size=64',
      '--import',
      'tsx',
      'server/src/cli.ts',
      'serve',
      // `npm run dev -- --module FILE`: the same server, republishing the module on every save.
      ...(command === 'dev' ? ['--watch'] : []),
      ...rest,
    ]);
    break;
  case 'test':
    ensureClientBuilt();
    ensureTestPackages();
    status = runTests();
    break;
  case 'bench':
    status = run('npx', ['tsx', 'scripts/run-benchmarks.ts', ...rest]);
    break;
  case 'sim':
    // A 128 MB young generation: the runner allocates a row per update; ~10% less CPU (sim/README.md).
    status = run(process.execPath, [
      '--max-semi-space-size=128',
      '--import',
      'tsx',
      'sim/src/cli.ts',
      ...rest,
    ]);
    break;
  case 'loadtest':
    status = run('npx', ['tsx', 'load-test/src/cli.ts', ...rest]);
    break;
  default:
    console.error(`unknown command '${command}': expected start, dev, test, bench, sim or loadtest`);
    status = 2;
}
process.exit(status);
