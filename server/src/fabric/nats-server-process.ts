import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { TickspaceError } from '../protocol/errors';

/** Options for {@link startNatsServer}. */
export interface NatsServerOptions {
  /** JetStream's store directory (created if missing); a restart reuses it. */
  readonly storeDir: string;
  /** The server binary. @default $NATS_SERVER, else /usr/sbin/nats-server or /usr/bin/nats-server */
  readonly bin?: string;
  /** How long to wait for "Server is ready". @default 10_000 */
  readonly startTimeoutMs?: number;
}

/** A nats-server child process on a loopback port, with its own store. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>`: the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** The current process id. */
  readonly pid: number;
  /**
   * Freezes the server (SIGSTOP) and resolves once every one of its threads is stopped (a signal
   * reaches the threads of a busy process one by one): connections stay open, nothing is answered.
   */
  pause(): Promise<void>;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
  /** SIGKILL, and waits for the exit: the store keeps what the server had written. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store (after {@link NatsServer.kill} or {@link NatsServer.stop}). */
  restart(): Promise<void>;
  /** SIGTERM (SIGCONT first if paused) and waits for the exit. */
  stop(): Promise<void>;
}

function defaultBin(): string {
  if (process.env.NATS_SERVER) return process.env.NATS_SERVER;
  for (const p of ['/usr/sbin/nats-server', '/usr/bin/nats-server']) if (fs.existsSync(p)) return p;
  return 'nats-server';
}

/** Starts one process and resolves with its port once it says it is ready. */
function launch(
  bin: string,
  args: string[],
  timeoutMs: number,
): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    let port = 0;
    const fail = (why: string, cause?: unknown) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new TickspaceError('FABRIC_UNAVAILABLE', `nats-server (${bin} ${args.join(' ')}) ${why}\n${output}`, {
          cause,
        }),
      );
    };
    const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
    child.on('error', (error) => fail('could not start (is the nats-server package installed?)', error));
    child.on('exit', (code, signal) => {
      if (port === 0 || !output.includes('Server is ready')) fail(`exited early (${code ?? signal})`);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (output.length < 65_536) output += chunk;
      const m = /Listening for client connections on [^\s]*:(\d+)/.exec(output);
      if (m) port = Number(m[1]);
      if (port !== 0 && output.includes('Server is ready')) {
        clearTimeout(timer);
        // Keep draining stderr so the child never blocks on a full pipe.
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve({ child, port });
      }
    });
  });
}

/** Whether every thread of `pid` is in the stopped state (`T`) per /proc (Linux). */
function allThreadsStopped(pid: number): boolean {
  try {
    const tasks = fs.readdirSync(`/proc/${pid}/task`);
    return tasks.every((task) => {
      const stat = fs.readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state === 'T' || state === 't';
    });
  } catch {
    // No /proc (not Linux): SIGSTOP is as good as we can tell.
    return true;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `nats-server -js` on 127.0.0.1 with a port the kernel picks and its own store dir,
 * for a test or for `tickspace serve --regions` without `--nats`.
 * @throws TickspaceError FABRIC_UNAVAILABLE if the binary is missing or the server does not come up.
 * @example
 * const broker = await startNatsServer({ storeDir: path.join(dir, 'nats') });
 * await broker.kill(); await broker.restart(); await broker.stop();
 */
export async function startNatsServer(options: NatsServerOptions): Promise<NatsServer> {
  const bin = options.bin ?? defaultBin();
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  fs.mkdirSync(options.storeDir, { recursive: true });
  const args = (port: number) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', options.storeDir];
  const first = await launch(bin, args(-1), timeoutMs);
  const port = first.port;
  let child = first.child;
  let paused = false;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid!;
    },
    async pause() {
      child.kill('SIGSTOP');
      paused = true;
      for (let i = 0; i < 100_000; i++) {
        if (allThreadsStopped(child.pid!)) return;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      throw new TickspaceError('FABRIC_UNAVAILABLE', `nats-server ${child.pid} did not stop on SIGSTOP`);
    },
    resume() {
      child.kill('SIGCONT');
      paused = false;
    },
    async kill() {
      child.kill('SIGKILL');
      paused = false;
      await exited(child);
    },
    async restart() {
      if (child.exitCode === null && child.signalCode === null)
        throw new TickspaceError(
          'FABRIC_UNAVAILABLE',
          `nats-server ${child.pid} is still running: kill or stop it first`,
        );
      ({ child } = await launch(bin, args(port), timeoutMs));
    },
    async stop() {
      if (paused) child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
