import { CALL_ORIGIN } from '../engine';
import type { LoggedTick } from '../engine/tooling';
import { TickspaceError } from '../protocol/errors';

/** The call filters of `tickspace log`, as the user typed them. */
export interface LogFilterFlags {
  readonly reducer?: string;
  readonly sender?: string;
  readonly outcome?: string;
  readonly clientCalls?: boolean;
}

/** A parsed filter: a call is listed when it passes every part that is set. */
export interface LogFilter {
  readonly reducers: ReadonlySet<string> | undefined;
  readonly sender: string | undefined;
  /** `ok`, `error` (any failure) or one error code. */
  readonly outcome: string | undefined;
  readonly clientCallsOnly: boolean;
}

const OUTCOME_PATTERN = /^(ok|error|[A-Z][A-Z0-9_]*)$/;
const SENDER_PATTERN = /^[0-9a-f]{1,32}$/;

/**
 * Parses the filter flags; undefined when none is given (every call of every tick is listed).
 * `knownReducers` are the module's reducer names: a misspelt one is refused with the list, since
 * it would otherwise match nothing and look like an empty log. System calls (`__publish`...) pass.
 * @throws TickspaceError INVALID_ARGUMENT naming the flag, the value and what it takes
 */
export function parseLogFilter(
  flags: LogFilterFlags,
  knownReducers: readonly string[],
): LogFilter | undefined {
  const { reducer, sender, outcome, clientCalls } = flags;
  if (reducer === undefined && sender === undefined && outcome === undefined && clientCalls !== true)
    return undefined;
  let reducers: Set<string> | undefined;
  if (reducer !== undefined) {
    reducers = new Set(reducer.split(',').map((r) => r.trim()));
    for (const name of reducers)
      if (name === '' || (!name.startsWith('__') && !knownReducers.includes(name)))
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          `--reducer: no reducer named '${name}' in this data directory's module (reducers: ${knownReducers.join(', ')})`,
          { details: { flag: '--reducer', value: name } },
        );
  }
  const senderPrefix = sender?.toLowerCase();
  if (senderPrefix !== undefined && !SENDER_PATTERN.test(senderPrefix))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `--sender takes an identity or its first hex characters (as 'log' prints them), got '${sender}'`,
      { details: { flag: '--sender', value: sender } },
    );
  if (outcome !== undefined && !OUTCOME_PATTERN.test(outcome))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `--outcome takes 'ok', 'error' or an error code such as INSUFFICIENT_FUNDS, got '${outcome}'`,
      { details: { flag: '--outcome', value: outcome } },
    );
  return { reducers, sender: senderPrefix, outcome, clientCallsOnly: clientCalls === true };
}

type LoggedCall = LoggedTick['calls'][number];

function passes(call: LoggedCall, filter: LogFilter): boolean {
  if (filter.clientCallsOnly && call.origin !== CALL_ORIGIN.CLIENT) return false;
  if (filter.reducers !== undefined && !filter.reducers.has(call.reducer)) return false;
  if (filter.sender !== undefined && !call.sender.startsWith(filter.sender)) return false;
  if (filter.outcome !== undefined) {
    if (filter.outcome === 'ok') return call.result.ok;
    if (call.result.ok) return false;
    return filter.outcome === 'error' || call.result.code === filter.outcome;
  }
  return true;
}

/** The positions of the tick's calls the filter lists (every call without a filter). */
export function listedCalls(tick: LoggedTick, filter: LogFilter | undefined): number[] {
  const listed: number[] = [];
  for (let i = 0; i < tick.calls.length; i++)
    if (filter === undefined || passes(tick.calls[i]!, filter)) listed.push(i);
  return listed;
}
