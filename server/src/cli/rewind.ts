import type { Command } from 'commander';
import { openForCli, parseTick, type CliIo } from './common';
import { refuseRewindPastHandoff } from './rewind-regions';

/** `tickspace rewind`: sets the stored world back to a past tick, as a new logged tick. */
export function registerRewind(program: Command, io: CliIo): void {
  program
    .command('rewind')
    .description(
      'set the world back to a past tick as a new transaction (the server must be stopped; history is kept and the rewind can be undone)',
    )
    .argument('<tick>', 'the tick whose state to restore')
    .option(
      '--module <file>',
      'the module (file.ts or file.ts#export); default: the one the data directory records',
    )
    .option(
      '--no-shift-schedules',
      'let scheduled calls fire at their original times instead of keeping their remaining delay',
    )
    .action(async (tickText: string, opts: { module?: string; shiftSchedules: boolean }) => {
      const tick = parseTick(tickText);
      await refuseRewindPastHandoff(program.opts<{ data: string }>().data, tick);
      const db = await openForCli(program.opts<{ data: string }>().data, {
        readOnly: false,
        module: opts.module,
        needsModule: true,
        logger: {
          error: (m, e) => io.err(`${m}${e === undefined ? '' : `: ${String(e)}`}`),
          warn: (m) => io.err(m),
        },
      });
      try {
        const prepared = await db.prepareRewind(tick, { shiftSchedules: opts.shiftSchedules });
        const done = prepared.enqueue();
        db.engine.runTick();
        const r = await done;
        io.out(
          `rewound to tick ${r.target} in new tick ${r.tick}: ${r.inserted} inserted, ${r.updated} updated, ${r.deleted} deleted (state hash ${r.stateHash})`,
        );
        io.out(`undo with: tickspace rewind ${r.tick - 1}`);
      } finally {
        await db.close();
      }
    });
}
