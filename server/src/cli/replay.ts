import type { Command } from 'commander';
import { openForCli, parseTick, type CliIo } from './common';

/** `tickspace replay`: re-executes logged ticks and verifies them against the log. */
export function registerReplay(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('replay')
    .description(
      're-execute ticks FROM..TO from the state before FROM and check calls, row changes and state hashes against the log',
    )
    .argument('[from]', 'first tick (default 1, or the tick after the oldest retained one)')
    .argument('[to]', 'last tick (default: the last in the log)')
    .option(
      '--module <file>',
      'the module (file.ts or file.ts#export); default: the one the data directory records',
    )
    .action(async (fromText: string | undefined, toText: string | undefined, opts: { module?: string }) => {
      const db = await openForCli(program.opts<{ data: string }>().data, {
        readOnly: true,
        module: opts.module,
        needsModule: true,
        // Reducer faults are part of what is being re-executed (the log holds their outcome): not news.
        logger: { error: () => {}, warn: () => {} },
      });
      try {
        const from = fromText === undefined ? db.store.firstTick + 1 : parseTick(fromText, 'from');
        const to = toText === undefined ? db.store.lastTick : parseTick(toText, 'to');
        const report = await db.replay(from, to);
        if (report.ok)
          io.out(
            `replay ${from}..${to}: all ${report.verifiedTicks} tick(s) reproduced the log (${report.calls} calls, ${report.changes} row changes, state hashes equal) in ${report.ms.toFixed(0)} ms`,
          );
        else {
          io.err(`replay ${from}..${to}: DIVERGED after ${report.verifiedTicks} matching tick(s)`);
          io.err(`  ${report.divergence!.message}`);
          setExit(1);
        }
      } finally {
        await db.close();
      }
    });
}
