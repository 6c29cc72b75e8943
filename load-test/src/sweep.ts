import { TickspaceError } from '@tickspace/server/protocol';
import { runLoad, type LoadRunOptions, type LoadRunResult } from './driver';
import type { TargetName } from './server-ipc';

/** Options for {@link runSweep}: a load run's options, with a list of client counts instead of one. */
export interface SweepOptions extends Omit<LoadRunOptions, 'clients'> {
  /** Client counts to try, in increasing order. */
  readonly steps: readonly number[];
  /** Stop after the first count that does not hold the tick rate (larger ones will not either). @default true */
  readonly stopAfterFailure?: boolean;
  /** Receives one line per finished step. */
  readonly onStep?: (result: LoadRunResult, held: boolean) => void;
}

/** A finished sweep. */
export interface SweepResult {
  readonly target: TargetName;
  readonly steps: readonly LoadRunResult[];
  /** Largest client count that held the criterion, undefined if none did. */
  readonly maxHolding: number | undefined;
  /** What "holding" means, for the report. */
  readonly criterion: string;
}

/** Share of the requested clients that must be connected for a step to count. */
const MIN_CONNECTED_SHARE = 0.95;

/**
 * Whether a run held: tick rate at least 95 % of target, p99 tick under the tick period, and at
 * least 95 % of the requested clients connected at the end.
 */
export function runHeld(result: LoadRunResult): boolean {
  return (
    result.summary.heldTickRate && result.summary.clientsConnected >= result.clients * MIN_CONNECTED_SHARE
  );
}

/**
 * Runs one load run per client count, each against a fresh server, and reports the largest count
 * that held the tick rate.
 * @throws TickspaceError INVALID_ARGUMENT for an empty or unsorted list.
 * @example
 * const sweep = await runSweep({ target: 'tickspace', steps: [250, 500, 1000], durationS: 15 });
 * sweep.maxHolding; // -> 1000
 */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const steps = [...options.steps];
  if (
    steps.length === 0 ||
    steps.some((n, i) => !(Number.isInteger(n) && n > 0) || (i > 0 && n <= steps[i - 1]!))
  )
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `sweep steps must be increasing positive integers, got ${steps.join(',')}`,
      { details: { steps } },
    );
  const results: LoadRunResult[] = [];
  let maxHolding: number | undefined;
  for (const clients of steps) {
    const result = await runLoad({ ...options, clients });
    results.push(result);
    const held = runHeld(result);
    options.onStep?.(result, held);
    if (held) maxHolding = clients;
    else if (options.stopAfterFailure ?? true) break;
  }
  const hz = 1000 / (options.tickMs ?? 50);
  return {
    target: options.target,
    steps: results,
    maxHolding,
    criterion: `>= ${(hz * 0.95).toFixed(0)} ticks/s (target ${hz}), p99 tick < ${options.tickMs ?? 50} ms, >= ${MIN_CONNECTED_SHARE * 100}% of clients connected`,
  };
}
