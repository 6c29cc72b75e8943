import { t, table, type Engine, type ModuleDef, type TickRecord } from '@tickspace/server/engine';
import { StreamSet } from './action-stream';
import { scoreBatch, type DetectorModel, type Verdict } from './detector-model';
import { FrontierEventSource } from './frontier-events';

/** Name of the private table the live detector writes. */
export const SUSPICION_TABLE = 'suspicion';

/** Name under which the detector's writes are logged (a system call: replay re-applies its changes). */
export const SUSPICION_CALL = '__suspicion';

/**
 * The `suspicion` table: one row per scored identity. Private: no client can subscribe to it (the
 * schema descriptor leaves it out); admins read it with the engine, time travel or the admin API.
 */
export const suspicionTable = table(
  { public: false, indexes: [{ name: 'by_score', columns: ['score'], kind: 'btree' }] },
  {
    identity: t.identity().primaryKey(),
    /** Probability of 'bot' from the model, 0..1. */
    score: t.f32(),
    /** Score at or over the bucket's threshold. */
    flagged: t.bool(),
    /** Play time the score rests on, minutes. */
    playMinutes: t.f32(),
    /** Bucket (minutes of play) whose model scored it. */
    bucketMinutes: t.u16(),
    /** Events seen for the identity. */
    events: t.u32(),
    /** Logical time of the score, ms. */
    updatedMs: t.f64(),
  },
);

/**
 * Adds the private `suspicion` table to a module (a composed module: the world's own files are
 * untouched). Create the engine with the result and attach {@link createDetector} to it.
 * @example
 * const engine = createEngine({ module: withSuspicionTable(frontier.module), seed });
 * const detector = createDetector({ engine, model });
 */
export function withSuspicionTable<M extends ModuleDef>(module: M): M {
  return { ...module, tables: { ...module.tables, [SUSPICION_TABLE]: suspicionTable } };
}

/** Options of {@link createDetector}. */
export interface DetectorOptions {
  readonly engine: Engine<ModuleDef>;
  /** The trained model. Without one the detector only collects streams. @default none */
  readonly model?: DetectorModel;
  /** Rescoring period per identity, ms of logical time. @default 60_000 */
  readonly scoreEveryMs?: number;
  /** Only identities with at least this many new events since their last score are rescored. @default 1 */
  readonly minNewEvents?: number;
  /** Identities with fewer calls than this are not scored yet (spectators, fresh connections). @default 5 */
  readonly minCalls?: number;
  /** Write scores into the `suspicion` table (needs {@link withSuspicionTable}). @default true when the table exists */
  readonly writeTable?: boolean;
}

/** A live detector attached to an engine. */
export interface Detector {
  /** Every identity's action stream so far. */
  readonly streams: StreamSet;
  /** The latest verdict per identity. */
  readonly verdicts: ReadonlyMap<string, Verdict>;
  /** Scores every identity with new events now (also done every `scoreEveryMs`). */
  scoreNow(): void;
  /** Detaches from the engine. */
  dispose(): void;
}

/**
 * Attaches the detector to a live engine: every tick's calls and changes feed the per-identity
 * streams (through the engine's fan-out hook, never the clients), and every `scoreEveryMs` each
 * identity with new events is rescored and its row in `suspicion` upserted by one system call.
 * Rescoring takes the whole world as the batch (population features compare each identity with
 * every other one over the same minutes of play), so a round costs one batch extraction per
 * bucket in use, whatever the number of identities due.
 * @example
 * const detector = createDetector({ engine, model: loadDetectorModel(json) });
 * // later, as an admin:
 * engine.db.suspicion.range('by_score', { gte: 0.9 });
 */
export function createDetector(options: DetectorOptions): Detector {
  const engine = options.engine;
  const streams = new StreamSet();
  const source = new FrontierEventSource(
    streams,
    engine.tableList.map((s) => s.name),
  );
  const verdicts = new Map<string, Verdict>();
  const scoredAt = new Map<string, number>();
  const every = options.scoreEveryMs ?? 60_000;
  const minNew = options.minNewEvents ?? 1;
  const minCalls = options.minCalls ?? 5;
  const write = options.writeTable ?? engine.tables[SUSPICION_TABLE] !== undefined;
  let nextScoreMs = every;

  const scoreNow = () => {
    const model = options.model;
    if (model === undefined) return;
    const rows: { identity: string; verdict: Verdict; events: number }[] = [];
    const due = new Set<string>();
    const all = streams.iter();
    for (const stream of all) {
      const last = scoredAt.get(stream.identity) ?? 0;
      if (stream.length - last < minNew || stream.calls < minCalls) continue;
      scoredAt.set(stream.identity, stream.length);
      due.add(stream.identity);
    }
    if (due.size === 0) return;
    // The whole world is the batch: population features compare each identity with everyone else.
    for (const [identity, verdict] of scoreBatch(model, all, due)) {
      verdicts.set(identity, verdict);
      rows.push({ identity, verdict, events: streams.find(identity)!.length });
    }
    if (!write || rows.length === 0) return;
    engine.enqueueSystem(SUSPICION_CALL, (ctx) => {
      const tableRef = (
        ctx.db as Record<
          string,
          { find(k: unknown): unknown; insert(r: unknown): unknown; update(r: unknown): unknown }
        >
      )[SUSPICION_TABLE]!;
      for (const r of rows) {
        const row = {
          identity: r.identity,
          score: Math.fround(r.verdict.score),
          flagged: r.verdict.flagged,
          playMinutes: Math.fround(r.verdict.playMinutes),
          bucketMinutes: r.verdict.bucketMinutes,
          events: r.events,
          updatedMs: ctx.now,
        };
        if (tableRef.find(r.identity) === undefined) tableRef.insert(row);
        else tableRef.update(row);
      }
    });
  };

  const hook = (record: TickRecord) => {
    source.ingest(record);
    if (record.now >= nextScoreMs) {
      nextScoreMs = record.now + every;
      scoreNow();
    }
  };
  const off = engine.onTick(hook);
  return { streams, verdicts, scoreNow, dispose: off };
}
