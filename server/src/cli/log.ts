import type { Command } from 'commander';
import { CALL_ORIGIN } from '../engine';
import { OP, type LoggedTick } from '../engine/tooling';
import { isPublishPayload, PUBLISH_CALL } from '../engine/module-swap';
import { TickspaceError } from '../protocol/errors';
import { formatRow, formatValue, openForCli, parseTick, toJson, type CliIo } from './common';
import { listedCalls, parseLogFilter, type LogFilterFlags } from './log-filter';

const ORIGIN = ['client', 'schedule', 'system'];
const KIND = ['insert', 'update', 'delete'];

/** How many ticks `log` lists when `--from` is not given. */
const DEFAULT_TICKS = 20;

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
    .option('--reducer <names>', 'only calls of these reducers (comma-separated)')
    .option('--sender <identity>', 'only calls from this identity (or its first hex characters)')
    .option('--outcome <outcome>', "only calls with this outcome: 'ok', 'error' or an error code")
    .option('--client-calls', 'only calls from clients: hides ticks of scheduled and system calls alone')
    .addHelpText(
      'after',
      `\nWith a filter, a tick is listed when one of its calls passes, with only the calls that pass; without --from, the last ${DEFAULT_TICKS} such ticks.`,
    )
    .action(
      async (opts: LogFilterFlags & { from?: string; to?: string; changes?: boolean; json?: boolean }) => {
        const fromFlag = opts.from === undefined ? undefined : parseTick(opts.from, '--from');
        const toFlag = opts.to === undefined ? undefined : parseTick(opts.to, '--to');
        if (fromFlag !== undefined && toFlag !== undefined && fromFlag > toFlag)
          throw new TickspaceError(
            'INVALID_ARGUMENT',
            `--from ${fromFlag} is after --to ${toFlag}: the range is first..last (e.g. --from ${toFlag} --to ${fromFlag})`,
          );
        const db = await openForCli(program.opts<{ data: string }>().data, { readOnly: true });
        try {
          const filter = parseLogFilter(opts, [...db.store.schema.reducers.keys()]);
          const last = db.store.lastTick;
          const oldest = db.store.segments[0]?.firstTick ?? 1;
          const to = toFlag === undefined ? last : Math.min(toFlag, last);
          // A filter may pass few ticks: without --from it scans the whole log for the last ones.
          const from =
            fromFlag !== undefined
              ? Math.max(fromFlag, oldest)
              : filter === undefined
                ? Math.max(oldest, to - (DEFAULT_TICKS - 1))
                : oldest;
          if (last === 0 || from > to) {
            io.out(
              last === 0
                ? 'the log is empty'
                : `no ticks in ${from}..${to} (the log holds ${oldest}..${last})`,
            );
            return;
          }
          let selected: { tick: LoggedTick; calls: number[] }[] = [];
          for (const tick of db.ticks(from, to, { changes: opts.changes === true })) {
            const calls = listedCalls(tick, filter);
            if (filter !== undefined && calls.length === 0) continue;
            selected.push({ tick, calls });
            if (fromFlag === undefined && selected.length > 2 * DEFAULT_TICKS)
              selected = selected.slice(-DEFAULT_TICKS);
          }
          if (fromFlag === undefined) selected = selected.slice(-DEFAULT_TICKS);
          if (selected.length === 0) io.out(`no calls in ${from}..${to} pass the filter`);
          for (const { tick: whole, calls } of selected) {
            const tick =
              filter === undefined ? whole : { ...whole, calls: calls.map((i) => whole.calls[i]!) };
            if (opts.json) {
              io.out(toJson(opts.changes ? tick : { ...tick, changes: undefined }));
              continue;
            }
            io.out(header(whole, opts.changes === true));
            calls.forEach((i) => {
              const c = whole.calls[i]!;
              const outcome = !c.result.ok
                ? `${c.result.code}: ${c.result.message}`
                : c.result.returns === undefined
                  ? 'ok'
                  : `ok, returned ${formatValue(c.result.value)}`;
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
              for (const ch of whole.changes)
                if (filter === undefined || calls.includes(ch.callIndex))
                  io.out(
                    `      ${KIND[ch.kind]} ${db.store.schemaAt(tick.tick).tables[ch.tableId]!.name} ${ch.kind === OP.DELETE ? `key ${formatRow(ch.oldRow)}` : formatRow(ch.newRow)} (call ${ch.callIndex})`,
                  );
          }
        } finally {
          await db.close();
        }
      },
    );
}

function header(tick: LoggedTick, withChanges: boolean): string {
  const changes = withChanges ? `, ${tick.changes.length} change(s)` : '';
  return `tick ${tick.tick} @${tick.now}ms hash ${tick.stateHash} | ${tick.calls.length} call(s)${changes} | ran ${tick.durationMs.toFixed(2)} ms`;
}
