import type { Engine } from '../engine';

/** One tick of a region process, as it timed it (for load tests of a region world). */
export interface RegionTickSample {
  readonly tick: number;
  /** Wall-clock start of the tick's reducers, epoch ms with sub-ms precision. */
  readonly startMs: number;
  /** From the start of its reducers to the end of its fan-out (its frames written), ms. */
  readonly durationMs: number;
  /** Calls the tick ran. */
  readonly calls: number;
}

const wallMs = () => performance.timeOrigin + performance.now();

/**
 * Times every tick of `engine` as the load test times one server's (from the start of its
 * reducers, `onCommit` less the tick's duration, to the end of its fan-out, a microtask queued in
 * `onTick` behind the sessions' writes) and hands them to `send` in batches every `flushMs`.
 * Register it before the network server so the microtask runs after the frames are written.
 * @returns a function that stops the timing.
 */
export function sendTickSamples(
  engine: Engine<any>,
  send: (samples: RegionTickSample[]) => void,
  flushMs = 100,
): () => void {
  const started = new Map<number, number>();
  let pending: RegionTickSample[] = [];
  const offCommit = engine.onCommit((record) => void started.set(record.tick, wallMs() - record.durationMs));
  const offTick = engine.onTick((record) => {
    const startMs = started.get(record.tick);
    started.delete(record.tick);
    if (startMs === undefined) return;
    const calls = record.calls.length;
    queueMicrotask(() => pending.push({ tick: record.tick, startMs, durationMs: wallMs() - startMs, calls }));
  });
  const timer = setInterval(() => {
    if (pending.length === 0) return;
    send(pending);
    pending = [];
  }, flushMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    offCommit();
    offTick();
  };
}
