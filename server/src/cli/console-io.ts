/**
 * The CLI's standard output and error, and what happens when their reader goes away.
 *
 * `tickspace log | head` closes the pipe after ten lines. Node then fails the next write with
 * EPIPE and emits an 'error' event that, unheard, kills the process with a stack trace. Instead the
 * next line a command prints throws {@link ClosedPipe}: the command unwinds through its `finally`
 * blocks (closing the data directory) and the CLI exits quietly with the status it had so far. A
 * command that writes (rewind, snapshot, repair) prints only once its write is durable, so nothing
 * is left half done.
 */
import type { CliIo } from './common';

/** Thrown by {@link consoleIo} once the reader of its stream has closed it. */
export class ClosedPipe extends Error {
  /** The stream whose reader went away. */
  readonly stream: 'stdout' | 'stderr';
  constructor(stream: 'stdout' | 'stderr') {
    super(`${stream} was closed by its reader`);
    this.name = 'ClosedPipe';
    this.stream = stream;
  }
}

const isEpipe = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';

let guarded = false;

/**
 * Hears EPIPE on stdout and stderr, so a closed pipe is no uncaught 'error' event (`serve` prints
 * with `console`, which drops output to a closed stream; the other commands print through
 * {@link consoleIo}). Any other stream error is still thrown. Idempotent.
 */
export function guardStdio(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: unknown) => {
      if (!isEpipe(error)) throw error;
    });
}

// Pipes are written synchronously on POSIX, and a failed write marks the stream errored at once.
function write(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr', line: string): void {
  if (isEpipe(stream.errored)) throw new ClosedPipe(name);
  guardStdio();
  stream.write(line + '\n');
  if (isEpipe(stream.errored)) throw new ClosedPipe(name);
}

/** Standard output and error for the CLI; a line to a closed pipe throws {@link ClosedPipe}. */
export const consoleIo: CliIo = {
  out: (line) => write(process.stdout, 'stdout', line),
  err: (line) => write(process.stderr, 'stderr', line),
};
