import type { Command } from 'commander';
import { TickspaceError } from '../protocol/errors';

/**
 * The options `serve` reads beyond `--module`, `--port` and `--host` (serve.ts parses them from
 * the arguments the command tree passes on), described once: serve.ts declares them from this
 * list and `tickspace serve --help` prints it, so no option is ever hidden from the help.
 */
export const SERVE_OPTIONS: readonly { readonly flags: string; readonly description: string }[] = [
  {
    flags: '--seed <seed>',
    description:
      "world seed of a new world ($TICKSPACE_SEED; default frontier); a restart naming none keeps the world's own, and a different one is refused",
  },
  { flags: '--tick-ms <ms>', description: 'tick period of a new world (default 50)' },
  {
    flags: '--durability <policy>',
    description: "when ticks reach the disk: 'tick' (fsync each, default), 'never' or '<N>ms'",
  },
  {
    flags: '--admin-token <token>',
    description: 'the admin token ($TICKSPACE_ADMIN_TOKEN; default generated into <data>/admin-token)',
  },
  {
    flags: '--static <dir>',
    description:
      'serve this folder as the browser client (default for Frontier: client-demo/dist when built; none for another module)',
  },
  {
    flags: '--world-tiles <n>',
    description: "Frontier's world size in tiles per side ($TICKSPACE_WORLD_TILES)",
  },
  {
    flags: '--retain-ticks <n>',
    description: 'keep at least the newest N ticks of history ($TICKSPACE_RETAIN_TICKS; default all)',
  },
  {
    flags: '--retain-bytes <n>',
    description: 'keep at least N bytes of log, e.g. 10GiB ($TICKSPACE_RETAIN_BYTES; default all)',
  },
  {
    flags: '--limit <name=value>',
    description: 'a network limit (repeatable), e.g. maxConnectionsPerAddress=Infinity',
  },
  {
    flags: '--new-token-secret',
    description:
      'create a missing token-secret for a world that has history (every player comes back as a new identity)',
  },
  { flags: '--sandbox', description: 'run the module in a SES Compartment (the default)' },
  { flags: '--no-sandbox', description: 'import the module as it is (it cannot be published then)' },
  {
    flags: '--tick-budget-ms <ms>',
    description: 'CPU budget per tick, 0 for none (default 1000 when sandboxed)',
  },
  {
    flags: '--watch',
    description: 'republish the module when one of its files is saved (sandboxed modules)',
  },
  {
    flags: '--max-bundle-bytes <n>',
    description: 'largest module bundle loaded or published (default 4 MiB)',
  },
  {
    flags: '--regions <CxR>',
    description:
      'run Frontier as CxR region processes behind one gateway port, e.g. 2x2 (logs under <data>/regions)',
  },
  {
    flags: '--nats <url>',
    description:
      'with --regions: the JetStream server to use (default: a local nats-server, store under <data>/nats)',
  },
];

/** Declares {@link SERVE_OPTIONS} on `command` (`--limit` collects every occurrence). */
export function addServeOptions(command: Command): Command {
  for (const { flags, description } of SERVE_OPTIONS)
    if (flags.startsWith('--limit '))
      command.option(flags, description, (v: string, all: string[]) => [...all, v], []);
    else command.option(flags, description);
  return command;
}

/** The lines `serve --help` adds after commander's own options. */
export function serveOptionsHelp(): string {
  const width = Math.max(...SERVE_OPTIONS.map((o) => o.flags.length)) + 2;
  return [
    '',
    'World and server options:',
    ...SERVE_OPTIONS.map((o) => `  ${o.flags.padEnd(width)}${o.description}`),
    '',
    'Environment: PORT (default 3000) and HOST (default 127.0.0.1) when --port / --host are not given,',
    'TICKSPACE_DATA (the data directory, default ./data).',
  ].join('\n');
}

/**
 * Parses a listen port from `--port` or `$PORT`.
 * @throws TickspaceError INVALID_ARGUMENT naming the source: not a number, or outside 0..65535
 */
export function parsePort(text: string, source: string): number {
  if (!/^\d+$/.test(text.trim()))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `${source} must be a port number 0..65535, got '${text}': not a number`,
      {
        details: { source, value: text },
      },
    );
  const port = Number(text);
  if (port > 65535)
    throw new TickspaceError('INVALID_ARGUMENT', `${source} must be a port number 0..65535, got ${port}`, {
      details: { source, value: text },
    });
  return port;
}
