// Makes `npm start`, `npm test`, `npm run bench`... work as the very first command on a fresh clone:
// installs dependencies when they are missing or stale, builds what must be built, then runs the command.
// Plain Node with no dependencies, because it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command = 'start', ...rest] = process.argv.slice(2);

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Runs a long-lived child, forwarding SIGINT/SIGTERM so it can stop cleanly; resolves with its status. */
function runForwardingSignals(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
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
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && mtime(marker) >= mtime(join(root, 'package-lock.json'))) return;
  console.log('[tickspace] installing dependencies (npm ci)...');
  const status = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (status !== 0) process.exit(status);
}

/** Builds the browser client when its build is missing or older than its sources (TICKSPACE_SKIP_CLIENT_BUILD=1 skips it). */
function ensureClientBuilt() {
  if (process.env.TICKSPACE_SKIP_CLIENT_BUILD === '1') return;
  const clientDir = join(root, 'client-demo');
  if (!existsSync(join(clientDir, 'vite.config.ts'))) return;
  const built = mtime(join(clientDir, 'dist', 'index.html'));
  const newest = Math.max(...listFiles(join(clientDir, 'src')).map(mtime), mtime(join(clientDir, 'index.html')), ...listFiles(join(root, 'server', 'src', 'client')).map(mtime));
  if (built >= newest) return;
  console.log('[tickspace] building the browser client (vite build)...');
  const status = run('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: clientDir });
  if (status !== 0) process.exit(status);
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return spawnSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

/** The browser tests need Debian's chromium; install it when we can (root with apt), else say how. */
function ensureChromium() {
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).stdout.trim();
  if (found) return;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('[tickspace] installing chromium for the browser tests (apt-get)...');
    run('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null']);
    return;
  }
  console.warn('[tickspace] chromium not found: the browser tests will fail. Install it (apt-get install chromium) or set CHROMIUM_PATH.');
}

/** Runs vitest with a JSON report and ends with one plain line `N passed, N failed`. */
function runTests() {
  const reportFile = join(root, 'test-artifacts', 'vitest-report.json');
  const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...rest]);
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
  case 'start':
    ensureClientBuilt();
    status = await runForwardingSignals(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'serve', ...rest]);
    break;
  case 'test':
    ensureClientBuilt();
    ensureChromium();
    status = runTests();
    break;
  case 'bench':
    status = run('npx', ['tsx', 'scripts/run-benchmarks.ts', ...rest]);
    break;
  case 'sim':
    // A 128 MB young generation: the runner allocates a row per update; ~10% less CPU (sim/README.md).
    status = run(process.execPath, ['--max-semi-space-size=128', '--import', 'tsx', 'sim/src/cli.ts', ...rest]);
    break;
  case 'loadtest':
    status = run('npx', ['tsx', 'load-test/src/cli.ts', ...rest]);
    break;
  default:
    console.error(`unknown command '${command}': expected start, test, bench, sim or loadtest`);
    status = 2;
}
process.exit(status);
