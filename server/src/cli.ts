/**
 * The `tickspace` command: serve a module, and read, verify and rewind a data directory's history.
 *
 *   tickspace [--data <dir>] serve | publish | info | log | inspect | history | rewind | replay | snapshot | repair | content
 *
 * Every command takes `--data <dir>` (default $TICKSPACE_DATA or ./data). Errors print their stable
 * code (`error [CORRUPT_LOG]: ...`) and exit with status 2; a replay divergence exits with 1.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { TickspaceError } from './protocol/errors';
import { defaultDataDir, type CliIo } from './cli/common';
import { ClosedPipe, consoleIo, guardStdio } from './cli/console-io';
import { registerContent } from './cli/content';
import { registerHistory } from './cli/history';
import { registerInfo } from './cli/info';
import { registerInit } from './cli/init';
import { parsePort, serveOptionsHelp } from './cli/serve-options';
import { registerInspect } from './cli/inspect';
import { registerLog } from './cli/log';
import { registerPublish } from './cli/publish';
import { registerRepair } from './cli/repair';
import { registerReplay } from './cli/replay';
import { registerRewind } from './cli/rewind';
import { registerSnapshot } from './cli/snapshot';

/** Options handed to `server/src/cli/serve.ts`'s `serve` export. */
export interface ServeCommandOptions {
  /** The data directory. */
  readonly dataDir: string;
  /** `--module`, if given. */
  readonly module: string | undefined;
  /** `--port`, if given. */
  readonly port: number | undefined;
  /** `--host`, if given. */
  readonly host: string | undefined;
  /** Every argument after `serve`, for options this file does not know. */
  readonly argv: readonly string[];
  /** Receives the exit status the server wants to end with (see `SERVE_EXIT_CODES`). */
  readonly setExit?: (code: number) => void;
}

export { consoleIo };

// A variable, not a literal: serve.ts belongs to the network layer and may not exist in this build.
const SERVE_MODULE = './cli/serve';

/**
 * Builds the command tree. `setExit` receives a non-zero status a command wants to end with.
 * @example
 * await createCli(consoleIo, (c) => (process.exitCode = c)).parseAsync(['log', '--from', '10'], { from: 'user' });
 */
export function createCli(io: CliIo = consoleIo, setExit: (code: number) => void = () => {}): Command {
  const program = new Command('tickspace')
    .description('Tickspace: a multiplayer game backend where the database runs the game logic')
    .option('-d, --data <dir>', 'data directory ($TICKSPACE_DATA)', defaultDataDir())
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
    });

  program
    .command('serve')
    .description('run the module: tick loop, commit log and WebSocket server over the data directory')
    .option('--module <file>', 'the module (file.ts or file.ts#export)')
    .option('--port <port>', 'listen port')
    .option('--host <host>', 'listen address')
    .addHelpText('after', serveOptionsHelp())
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (opts: { module?: string; port?: string; host?: string }, command: Command) => {
      let mod: { serve?: (options: ServeCommandOptions) => Promise<void> | void; DEFAULT_MODULE?: string };
      try {
        mod = (await import(/* @vite-ignore */ SERVE_MODULE)) as typeof mod;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module/.test(String(error)))
          throw new TickspaceError(
            'INVALID_ARGUMENT',
            "'tickspace serve' is not available in this build yet (server/src/cli/serve.ts is missing)",
          );
        throw error;
      }
      if (typeof mod.serve !== 'function')
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          "server/src/cli/serve.ts does not export a 'serve' function",
        );
      // The default module is Frontier, which only the repository holds (not the packed package).
      if (opts.module === undefined && mod.DEFAULT_MODULE !== undefined && !existsSync(mod.DEFAULT_MODULE))
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          "name the module to serve: 'tickspace serve --module src/module.ts' (the default module, Frontier, is part of the Tickspace repository, not of this installation)",
        );
      await mod.serve({
        dataDir: program.opts<{ data: string }>().data,
        module: opts.module,
        port: opts.port === undefined ? undefined : parsePort(opts.port, '--port'),
        host: opts.host,
        argv: command.args,
        setExit,
      });
    });
  registerInfo(program, io);
  registerLog(program, io);
  registerInspect(program, io);
  registerHistory(program, io);
  registerRewind(program, io);
  registerReplay(program, io, setExit);
  registerSnapshot(program, io);
  registerRepair(program, io);
  registerContent(program, io);
  registerPublish(program, io);
  registerInit(program, io);
  return program;
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns the exit status:
 * 0 ok, 1 replay divergence or unexpected failure, 2 a Tickspace error or bad usage, and for
 * `serve` 3 when the commit log could not be written (see `SERVE_EXIT_CODES`). Output to a
 * pipe its reader closed (`tickspace log | head`) ends the command quietly with the status it had.
 */
export async function runCli(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  if (io === consoleIo) guardStdio();
  let status = 0;
  const program = createCli(io, (code) => (status = code));
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof ClosedPipe) return status;
    try {
      if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
      if (error instanceof TickspaceError) {
        io.err(`error [${error.code}]: ${error.message}`);
        return 2;
      }
      io.err(`unexpected failure: ${(error as Error)?.stack ?? String(error)}`);
      return 1;
    } catch (reporting) {
      if (reporting instanceof ClosedPipe) return error instanceof TickspaceError ? 2 : 1;
      throw reporting;
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
