import type { HistogramData } from './histogram';

/** What a driver worker reports once a second: counters since its previous report. */
export interface WorkerReport {
  /** Bots connected right now. */
  readonly connected: number;
  /** Connections that reached the world since the previous report. */
  readonly accepted: number;
  /** Connection attempts that failed, by error code. */
  readonly failed: Readonly<Record<string, number>>;
  /** Connections lost after they were accepted, by reason. */
  readonly lost: Readonly<Record<string, number>>;
  /** Errors reported by connected bots (rejected calls, protocol errors), by code. */
  readonly errors: Readonly<Record<string, number>>;
  readonly messagesIn: number;
  readonly bytesIn: number;
  readonly messagesOut: number;
  readonly bytesOut: number;
  /** State updates applied. */
  readonly updates: number;
  /** Round trips of steps (Tickspace: reducer call to result; Colyseus: message to ack). */
  readonly roundTrip: HistogramData;
  /** Age of each update on arrival: receipt time minus its server tick's start. */
  readonly updateAge: HistogramData;
  /** Updates whose tick start never arrived from the server (no IPC with `--url`). */
  readonly unresolvedAges: number;
  /** Sum over connected bots of their visible entity count, and the number of bots summed. */
  readonly visibleSum: number;
  readonly visibleCount: number;
}

/** Adds `from`'s counts into `into` (for the by-code maps). */
export function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

/** Main thread to worker. */
export type ToWorker =
  | { readonly type: 'start'; readonly connectAtMs: readonly number[]; readonly t0Ms: number }
  | { readonly type: 'ticks'; readonly ticks: readonly number[]; readonly startsMs: readonly number[] }
  | { readonly type: 'report' }
  | { readonly type: 'stop' };

/** Worker to main thread. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'report'; readonly report: WorkerReport }
  | { readonly type: 'stopped'; readonly report: WorkerReport };
