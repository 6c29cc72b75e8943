import type { Command } from 'commander';
import { repairDataDir } from '../engine/tooling';
import type { CliIo } from './common';

/** `tickspace repair`: the documented way out of a corrupt log (see FORMAT.md). */
export function registerRepair(program: Command, io: CliIo): void {
  program
    .command('repair')
    .description(
      'cut the log at the first damaged record or missing segment and move everything after it (and unusable snapshots) into quarantine/; nothing is deleted',
    )
    .option('--dry-run', 'only report what would be moved')
    .action((opts: { dryRun?: boolean }) => {
      const report = repairDataDir(program.opts<{ data: string }>().data, { dryRun: opts.dryRun === true });
      if (!report.changed) {
        io.out(`nothing to repair: the log is intact through tick ${report.lastTick}`);
        return;
      }
      const verb = opts.dryRun ? 'would' : 'did';
      if (report.truncated)
        io.out(
          `${verb} cut ${report.truncated.file} at byte ${report.truncated.offset} (${report.truncated.reason})`,
        );
      for (const m of report.moved) io.out(`${verb} move ${m.file}: ${m.reason}`);
      io.out(
        `${opts.dryRun ? 'the log would end' : 'the log now ends'} at tick ${report.lastTick}${report.quarantine && !opts.dryRun ? `; removed data kept in ${report.quarantine}` : ''}`,
      );
    });
}
