import { TickspaceError } from '../protocol/errors';
import { encodeArgsJson } from './args';
import type { ScheduleWhen } from './module';
import type { ServerSchema } from './server-schema';

/** The engine's clock as a schedule sees it: the running tick, its logical time and the tick period. */
export interface ScheduleClock {
  readonly tick: number;
  readonly now: number;
  readonly tickMs: number;
}

/**
 * The schedule-table row for a call of `reducer` with `args` (validated here): when it is first
 * due and how often it repeats.
 * @throws TickspaceError UNKNOWN_REDUCER; INVALID_ARGUMENT for bad arguments, a time that is not
 *   finite or a period under one tick
 */
export function scheduleRowFor(
  schema: ServerSchema,
  reducer: string,
  args: Record<string, unknown>,
  when: ScheduleWhen,
  clock: ScheduleClock,
): Record<string, unknown> {
  const entry = schema.reducers.byName(reducer);
  if (entry === undefined)
    throw new TickspaceError('UNKNOWN_REDUCER', `cannot schedule unknown reducer '${reducer}'`, {
      details: { reducer },
    });
  const validated = entry.validate(args);
  const { tick, tickMs } = clock;
  const atMs = 'atTick' in when ? when.atTick * tickMs : 'atMs' in when ? when.atMs : clock.now + when.inMs;
  const everyMs = when.everyMs ?? 0;
  if (!Number.isFinite(atMs))
    throw new TickspaceError('INVALID_ARGUMENT', `schedule of '${reducer}': time must be finite`, {
      details: { reducer },
    });
  if (everyMs !== 0 && !(everyMs >= tickMs))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `schedule of '${reducer}': everyMs ${everyMs} is shorter than one tick (${tickMs} ms)`,
      {
        details: { reducer, everyMs },
      },
    );
  return {
    reducer,
    args: encodeArgsJson(validated),
    atMs,
    everyMs,
    dueTick: Math.max(Math.ceil(atMs / tickMs), tick + 1),
  };
}
