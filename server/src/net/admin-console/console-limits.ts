import { TickspaceError } from '../../protocol';

/**
 * How much one admin console request may read. Each is an option of {@link databaseAdmin}
 * (`databaseAdmin(db, { console: { maxRows: 500 } })`); a request asking for more is answered
 * 400 INVALID_ARGUMENT naming the parameter and the limit, never silently cut.
 */
export interface ConsoleLimits {
  /** Largest `limit` of `/admin/rows` (rows in one page). @default 1000 */
  readonly maxRows: number;
  /** Largest `limit` of `/admin/log` (calls in one answer). @default 1000 */
  readonly maxLogCalls: number;
  /** Widest `from..to` range `/admin/log` scans, in ticks. @default 20000 */
  readonly maxLogTicks: number;
  /** Largest `limit` of `/admin/history` (versions of one row). @default 1000 */
  readonly maxHistoryVersions: number;
}

/** The defaults of {@link ConsoleLimits}. */
const DEFAULT_CONSOLE_LIMITS: ConsoleLimits = {
  maxRows: 1000,
  maxLogCalls: 1000,
  maxLogTicks: 20_000,
  maxHistoryVersions: 1000,
};

/**
 * The limits with `overrides` applied.
 * @throws TickspaceError INVALID_ARGUMENT for a limit that is not a positive integer
 */
export function consoleLimits(overrides: Partial<ConsoleLimits> = {}): ConsoleLimits {
  const limits = { ...DEFAULT_CONSOLE_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits))
    if (!Number.isSafeInteger(value) || value < 1)
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `admin console limit ${name} must be a positive integer, got ${String(value)}`,
      );
  return limits;
}
