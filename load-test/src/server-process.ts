import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TickspaceError } from '@tickspace/server/protocol';
import { createProcSampler, type ProcSampler } from './proc-stats';
import type { DriverMessage, ServerConfig, ServerMessage, TickSample } from './server-ipc';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Whether `taskset` (util-linux) can pin processes to cores here. Checked once. */
let tasksetFound: boolean | undefined;
export function hasTaskset(): boolean {
  tasksetFound ??= spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
  return tasksetFound;
}

/**
 * Cores this process may use, read once at start-up: {@link pinSelf} narrows the process to one
 * core, after which `availableParallelism()` says 1, and a second run in the same process (a sweep
 * step, the second target of a comparison) would neither pin its server nor keep it off the
 * driver's core.
 */
export const startupCores = availableParallelism();

/**
 * Pins every thread of this process (and the threads it starts later) to the given cores.
 * @returns whether pinning happened (false without taskset).
 */
export function pinSelf(cpuList: string): boolean {
  if (!hasTaskset()) return false;
  return (
    spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(process.pid)], { stdio: 'ignore' }).status === 0
  );
}

/** Options for {@link startServerProcess}. */
export interface ServerProcessOptions {
  readonly config: ServerConfig;
  /** Cores for `taskset -c` (e.g. '0'); undefined: no pinning. */
  readonly cpuList?: string;
  /** Receives every tick sample as it arrives. */
  readonly onTicks?: (samples: readonly TickSample[]) => void;
  /** Receives the server's status line once a second. */
  readonly onStatus?: (status: { clients: number; entities: number }) => void;
  /** Give up if the server has not reported ready by then, ms. @default 30000 */
  readonly startTimeoutMs?: number;
  /** Where the child's stderr goes. @default 'inherit' */
  readonly stderr?: 'inherit' | 'ignore';
  /** Write a V8 CPU profile of the server to this directory (`--cpu-prof`). @default undefined */
  readonly profileDir?: string;
}

/** A server under test running as a child process. */
export interface ServerProcess {
  readonly pid: number;
  /** Where clients connect. */
  readonly url: string;
  /** Whether the child was pinned with taskset. */
  readonly pinned: boolean;
  /** CPU and RSS reader for the child. */
  readonly sampler: ProcSampler;
  /** Asks the child to stop and resolves when it has exited (killing it after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the server under test in its own process (`node --import tsx server-child.ts`), pinned
 * with taskset when `cpuList` is given and taskset exists, and resolves once it listens.
 * @throws TickspaceError TIMEOUT if it does not report ready within `startTimeoutMs`;
 *   INTERNAL if it fails or exits first.
 * @example
 * const server = await startServerProcess({ config, cpuList: '0' });
 * // ... drive server.url
 * await server.stop();
 */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const entry = join(HERE, 'server-child.ts');
  const profile =
    options.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`];
  const nodeArgs = [...profile, '--import', 'tsx', entry, JSON.stringify(options.config)];
  const pinned = options.cpuList !== undefined && hasTaskset();
  const child: ChildProcess = pinned
    ? spawn('taskset', ['-c', options.cpuList!, process.execPath, ...nodeArgs], {
        stdio: ['ignore', 'inherit', options.stderr ?? 'inherit', 'ipc'],
      })
    : spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'inherit', options.stderr ?? 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new TickspaceError(
          'TIMEOUT',
          `the ${options.config.target} server did not start within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new TickspaceError(
          'INTERNAL',
          `the ${options.config.target} server exited before it was ready (code ${code}, signal ${signal})`,
        ),
      );
    });
    child.on('message', (message: ServerMessage) => {
      switch (message.type) {
        case 'ticks':
          options.onTicks?.(message.samples);
          break;
        case 'status':
          options.onStatus?.(message);
          break;
        case 'failed':
          clearTimeout(timer);
          reject(
            new TickspaceError('INTERNAL', `the ${options.config.target} server failed: ${message.message}`),
          );
          break;
        case 'ready': {
          clearTimeout(timer);
          const sampler = createProcSampler(message.pid);
          resolve({
            pid: message.pid,
            url: message.url,
            pinned,
            sampler,
            async stop(graceMs = 10_000) {
              if (child.exitCode !== null || child.signalCode !== null) return;
              if (child.connected) child.send({ type: 'stop' } satisfies DriverMessage);
              const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
              await exited;
              clearTimeout(kill);
            },
          });
          break;
        }
      }
    });
  });
}
