import type { Command } from 'commander';
import { CALL_ORIGIN } from '../engine';
import { OP, type LoggedTick } from '../engine/tooling';
import { isPublishPayload, PUBLISH_CALL } from '../engine/module-swap';
import { formatRow, openForCli, parseTick, toJson, type CliIo } from './common';

const ORIGIN = ['client', 'schedule', 'system'];
const KIND = ['insert', 'update', 'delete'];

/** `tickspace log`: the ticks in a range with their reducer calls (and row changes). */
export function registerLog(program: Command, io: CliIo): void {
  program
    .command('log')
    .description(
      'list ticks with their reducer calls (name, sender, arguments, outcome); the last 20 by default',
    )
    .option('--from <tick>', 'first tick to list')
    .option('--to <tick>', 'last tick to list (default: the last in the log)')
    .option('--changes', 'also list every row change')
    .option('--json', 'one JSON object per tick')
    .action(async (opts: { from?: string; to?: string; changes?: boolean; json?: boolean }) => {
      const db = await openForCli(program.opts<{ data: string }>().data, { readOnly: true });
      try {
        const last = db.store.lastTick;
        const oldest = db.store.segments[0]?.firstTick ?? 1;
        const to = opts.to === undefined ? last : Math.min(parseTick(opts.to, '--to'), last);
        const from =
          opts.from === undefined
            ? Math.max(oldest, to - 19)
            : Math.max(parseTick(opts.from, '--from'), oldest);
        if (last === 0 || from > to) {
          io.out(
            last === 0 ? 'the log is empty' : `no ticks in ${from}..${to} (the log holds ${oldest}..${last})`,
          );
          return;
        }
        for (const tick of db.ticks(from, to, { changes: opts.changes === true })) {
          if (opts.json) {
            io.out(toJson(opts.changes ? tick : { ...tick, changes: undefined }));
            continue;
          }
          io.out(header(tick, opts.changes === true));
          tick.calls.forEach((c, i) => {
            const outcome = c.result.ok ? 'ok' : `${c.result.code}: ${c.result.message}`;
            const args =
              c.args === undefined
                ? '(arguments not decodable)'
                : c.reducer === PUBLISH_CALL && isPublishPayload(c.args)
                  ? ` module ${c.args.hash.slice(0, 12)} (${Buffer.byteLength(c.args.source, 'utf8')} bytes of source)`
                  : Object.keys(c.args).length === 0
                    ? ''
                    : ` ${formatRow(c.args)}`;
            const sched = c.origin === CALL_ORIGIN.SCHEDULE ? ` #${c.scheduleId}` : '';
            io.out(
              `  [${i}] ${ORIGIN[c.origin]!.padEnd(8)} ${c.reducer}${args}${sched} from ${c.sender.slice(0, 8)}… -> ${outcome}`,
            );
          });
          if (opts.changes)
            for (const ch of tick.changes)
              io.out(
                `      ${KIND[ch.kind]} ${db.store.schemaAt(tick.tick).tables[ch.tableId]!.name} ${ch.kind === OP.DELETE ? `key ${formatRow(ch.oldRow)}` : formatRow(ch.newRow)} (call ${ch.callIndex})`,
              );
        }
      } finally {
        await db.close();
      }
    });
}

function header(tick: LoggedTick, withChanges: boolean): string {
  const changes = withChanges ? `, ${tick.changes.length} change(s)` : '';
  return `tick ${tick.tick} @${tick.now}ms hash ${tick.stateHash} | ${tick.calls.length} call(s)${changes} | ran ${tick.durationMs.toFixed(2)} ms`;
}
