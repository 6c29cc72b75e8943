import type { Command } from 'commander';
import { openForCli, type CliIo } from './common';

/** `tickspace snapshot`: writes a snapshot of the stored world now. */
export function registerSnapshot(program: Command, io: CliIo): void {
  program
    .command('snapshot')
    .description(
      'write a snapshot of the current state (the server must be stopped; a running server snapshots by itself)',
    )
    .action(async () => {
      const db = await openForCli(program.opts<{ data: string }>().data, { readOnly: false });
      try {
        const r = await db.snapshot();
        io.out(
          `snapshot of tick ${r.tick}: ${r.rows} rows, ${r.bytes} bytes in ${r.totalMs.toFixed(0)} ms -> ${r.file}`,
        );
      } finally {
        await db.close();
      }
    });
}
