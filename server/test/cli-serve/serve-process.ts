/**
 * A real `tickspace serve` process for the lifecycle tests: started directly or through the
 * `npm start` bootstrap, over a temporary data directory, with its output collected so tests can
 * wait on the lines it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { connect, type Connection } from '../../src/client';
import type { FrontierModule } from '../../src/world';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Bound on every wait for the process: start-up loads the module and generates the world. */
const WAIT_MS = 60_000;

/** What a finished `tickspace` process printed: each stream, and both in arrival order. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  readonly out: string;
}

/** Runs the `tickspace` CLI as its own process from the repository root, with extra environment. */
export function runTickspace(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let out = '';
    child.stdout.on('data', (c: Buffer) => ((stdout += c.toString()), (out += c.toString())));
    child.stderr.on('data', (c: Buffer) => ((stderr += c.toString()), (out += c.toString())));
    child.on('exit', (code) => resolve({ code, stdout, stderr, out }));
  });
}

/** A temporary data directory and its removal. */
export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tickspace-lifecycle-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** How a serve process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running serve process. */
export interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves once the output matches (with the match), rejects if the process ends first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  readonly exited: Promise<Exit>;
}

/** Options for {@link startServe}. */
export interface StartOptions {
  readonly dataDir: string;
  /** Run `node scripts/bootstrap.mjs start` (what `npm start` runs; `'dev'`: `npm run dev`) instead of the CLI directly. */
  readonly viaBootstrap?: boolean | 'dev';
  /** In a process group of its own, so a test can signal the whole group as a terminal does. */
  readonly detached?: boolean;
  /** Extra `serve` arguments. */
  readonly args?: readonly string[];
  /** Extra environment variables (e.g. TICKSPACE_CONTENT). */
  readonly env?: Readonly<Record<string, string>>;
  /** The world seed (`TICKSPACE_SEED`). @default 'lifecycle-test' */
  readonly seed?: string;
  /** Variables of this process's environment the child must not inherit. @default none */
  readonly unsetEnv?: readonly string[];
  /** A start-up line to wait for after the URL and the recovered tick. @default none */
  readonly readyLine?: RegExp;
}

/** A serve process that was spawned, whether or not it starts. */
export type SpawnedServe = Omit<ServeProcess, 'port'>;

/** The start-up lines: the URL served, then the recovered tick (they may arrive in separate chunks). */
const STARTED = /serving .* at http:\/\/127\.0\.0\.1:(\d+)\/[\s\S]*recovered at tick \d+/;

/** Starts serve and resolves once it prints the URL it serves and the recovered tick. */
export async function startServe(options: StartOptions): Promise<ServeProcess> {
  const run = spawnServe(options);
  const m = await run.waitFor(STARTED);
  if (options.readyLine !== undefined) await run.waitFor(options.readyLine);
  return { ...run, port: Number(m[1]) };
}

/** Spawns serve and collects its output, without waiting for it to start (it may refuse to). */
export function spawnServe(options: StartOptions): SpawnedServe {
  const serveArgs = ['--port', '0', '--world-tiles', '512', ...(options.args ?? [])];
  const argv = options.viaBootstrap
    ? ['scripts/bootstrap.mjs', options.viaBootstrap === 'dev' ? 'dev' : 'start', ...serveArgs]
    : ['--import', 'tsx', 'server/src/cli.ts', 'serve', ...serveArgs];
  const child = spawn(process.execPath, argv, {
    cwd: REPO_ROOT,
    detached: options.detached === true,
    // The bootstrap would otherwise reinstall or rebuild what looks stale, under other running tests.
    env: childEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const w of [...waiters]) w();
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no ${pattern} within ${WAIT_MS} ms:\n${out}`)), WAIT_MS);
      const check = () => {
        const m = pattern.exec(out);
        if (m) done(undefined, m);
        else if (ended) done(new Error(`the process ended before printing ${pattern}:\n${out}`));
      };
      const done = (error?: Error, m?: RegExpExecArray) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(m!);
      };
      waiters.add(check);
      check();
    });
  return { child, output: () => out, waitFor, exited };
}

function childEnv(options: StartOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TICKSPACE_SEED: options.seed ?? 'lifecycle-test',
    TICKSPACE_DATA: options.dataDir,
    TICKSPACE_BOOTSTRAP_CHECKS: '0',
    ...options.env,
  };
  for (const name of options.unsetEnv ?? []) delete env[name];
  return env;
}

/** A real SDK client over a real WebSocket. */
export function connectClient(port: number, token?: string): Promise<Connection<FrontierModule>> {
  return connect<FrontierModule>({
    url: `ws://127.0.0.1:${port}/ws`,
    WebSocket: WebSocket,
    reconnect: false,
    ...(token === undefined ? {} : { token }),
  });
}
