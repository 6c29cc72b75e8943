import { BinaryReader } from '../../protocol/binary-reader';
import { BinaryWriter } from '../../protocol/binary-writer';
import { TickspaceError } from '../../protocol/errors';
import { OP } from '../change-set';
import { CALL_ORIGIN, LIFECYCLE, type Engine, type TickRecord } from '../engine';
import type { ModuleDef } from '../module';
import { isPublishPayload, PUBLISH_CALL, type PublishPayload } from '../module-swap';
import { loadPublished } from '../sandbox/load-module';
import type { LogStore } from './log-store';
import type { LogSchema, LoggedCall, LoggedChange, LoggedTick, RecordCodec } from './record-codec';
import type { SchemaVersion } from './schema-versions';
import { captureSnapshot } from './snapshot-file';
import { restoreCarried } from '../migration/apply';

/** Where a replay first disagreed with the log. */
export interface Divergence {
  readonly tick: number;
  /** What differed: the call list, one call, one row change, the state hash, or the replay threw. */
  readonly kind: 'calls' | 'call' | 'change' | 'hash' | 'error';
  /** A sentence naming the tick, call, table, key and values. */
  readonly message: string;
  readonly callIndex?: number | undefined;
  readonly changeIndex?: number | undefined;
  readonly expected?: unknown;
  readonly actual?: unknown;
}

/** The outcome of {@link replayRange}. */
export interface ReplayReport {
  readonly ok: boolean;
  readonly from: number;
  readonly to: number;
  /** Ticks that reproduced the log exactly. */
  readonly verifiedTicks: number;
  readonly calls: number;
  readonly changes: number;
  readonly ms: number;
  readonly divergence: Divergence | undefined;
}

/** Options for {@link replayRange}. */
export interface ReplayOptions {
  /**
   * For a log with several schema versions: a fresh engine running the module code of `version`,
   * or undefined when that code is not available (ticks of that version then cannot be replayed,
   * and the report says so). Without it, `engine` runs every tick.
   */
  readonly engineFor?: (version: SchemaVersion) => Engine<ModuleDef> | undefined;
  /**
   * An engine that can only hold a version's state (no reducer code), for starting a replay at a
   * migration tick of a version whose predecessor's code is missing.
   */
  readonly stateEngineFor?: (version: SchemaVersion) => Engine<ModuleDef>;
}

/** Whether a logged call is a system transaction (rewind, admin writes) replayed from its changes. */
function isSystemCall(call: { origin: number; reducer: string }): boolean {
  return (
    call.origin === CALL_ORIGIN.LIFECYCLE &&
    call.reducer !== LIFECYCLE.INIT &&
    call.reducer !== PUBLISH_CALL &&
    call.reducer !== LIFECYCLE.CONNECTED &&
    call.reducer !== LIFECYCLE.DISCONNECTED &&
    call.reducer !== LIFECYCLE.STARTED
  );
}

/**
 * Writes logged changes through the tables' transactional API, so they are recorded, hashed and
 * undoable exactly like the original system call's writes.
 */
function writeLoggedChanges(engine: Engine<ModuleDef>, changes: readonly LoggedChange[]): void {
  for (const c of changes) {
    const store = engine.tableList[c.tableId]!;
    if (c.kind === OP.INSERT) store.insert(c.newRow as Record<string, unknown>);
    else if (c.kind === OP.UPDATE) store.update(c.newRow as Record<string, unknown>);
    else store.delete(store.keyOf(c.oldRow!));
  }
}

function show(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint'
      ? `${v}n`
      : v instanceof Uint8Array
        ? `bytes(${Buffer.from(v).toString('hex')})`
        : v,
  );
}

const KIND = ['insert', 'update', 'delete'];

/**
 * Re-executes ticks `from..to` from the state before `from` and checks that each reproduces the
 * logged calls, row changes (byte for byte, as encoded) and state hash. Client and lifecycle calls
 * are queued as logged, scheduled calls re-run by themselves, and system calls (`__rewind`...)
 * re-apply their logged changes. Stops at the first divergence and describes it.
 *
 * @param engine a fresh engine of the module under test (not the live one): it is restored first.
 * @throws TickspaceError TICK_OUT_OF_RANGE, CORRUPT_LOG (the log itself is damaged)
 * @example
 * const report = await replayRange(store, createEngine({ module, seed, tickMs }), 1, store.lastTick);
 * if (!report.ok) console.error(report.divergence.message);
 */
export async function replayRange(
  store: LogStore,
  engine: Engine<ModuleDef>,
  from: number,
  to: number,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const started = performance.now();
  if (!(from >= 1) || !(to >= from) || !Number.isSafeInteger(from) || !Number.isSafeInteger(to))
    throw new TickspaceError('TICK_OUT_OF_RANGE', `replay needs 1 <= from <= to, got ${from}..${to}`, {
      details: { from, to },
    });
  if (to > store.lastTick)
    throw new TickspaceError(
      'TICK_OUT_OF_RANGE',
      `replay to tick ${to}: the log ends at tick ${store.lastTick}`,
      { details: { to } },
    );
  const versions = store.versions;
  let version = versions?.at(from - 1);
  const engineOf = (v: SchemaVersion) =>
    options.engineFor === undefined || versions === undefined ? engine : options.engineFor(v);
  const missingCode = (tick: number, v: SchemaVersion): Divergence => ({
    tick,
    kind: 'error',
    message: `tick ${tick} is schema version ${v.version}, whose module code this replay does not have: pass that module version in openDatabase's olderModules (or replay from tick ${versions!.versions.find((x) => x.version === v.version + 1)?.fromTick ?? store.lastTick} on)`,
  });
  if (version !== undefined) {
    const first =
      engineOf(version) ?? (versions!.at(from) !== version ? options.stateEngineFor?.(version) : undefined);
    if (first === undefined) return missing(from, to, started, missingCode(from, version));
    engine = first;
  }
  const moduleVersions = new Map<string, Promise<ModuleDef>>();
  const moduleVersion = (payload: PublishPayload, tick: number) => {
    let loaded = moduleVersions.get(payload.hash);
    if (loaded === undefined) {
      loaded = loadPublished(payload, `the module version published at tick ${tick}`).then((m) => m.module);
      moduleVersions.set(payload.hash, loaded);
    }
    return loaded;
  };
  // A replay that starts mid-log runs the version in force then: the last one published before.
  const before = from > 1 ? lastPublished(store, from - 1) : undefined;
  await store.materialize(from - 1, engine);
  if (before !== undefined) engine.adoptModule(await moduleVersion(before.payload, before.tick));
  let codec = store.codecAt(from);
  let schema = store.schemaAt(from);
  const writer = new BinaryWriter(1 << 16);
  let verified = 0;
  let calls = 0;
  let changes = 0;
  const done = (divergence?: Divergence): ReplayReport => ({
    ok: divergence === undefined,
    from,
    to,
    verifiedTicks: verified,
    calls,
    changes,
    ms: performance.now() - started,
    divergence,
  });
  let sliceStart = performance.now();
  for (const { tick, payload } of store.payloads(from, to)) {
    const v = versions?.at(tick);
    if (v !== undefined && v !== version) {
      // A migration tick: carry the state into the new version's tables as the live engine did;
      // its `__migrate` call then re-applies the logged rows like any system call.
      // Without that version's code, a migration a publish brought carries its code in the
      // tick's `__publish`: the tables come from the stored description, the reducers from it.
      const next = engineOf(v) ?? (publishedAt(store, tick) ? options.stateEngineFor?.(v) : undefined);
      if (next === undefined) return done(missingCode(tick, v));
      restoreCarried(next, engine.tick, captureSnapshot(engine).tables, v.reshaped);
      engine = next;
      version = v;
      codec = v.codec;
      schema = v.logSchema;
    }
    const logged = store.decode(tick, payload);
    const aborts = new Map<number, string>();
    for (let i = 0; i < logged.calls.length; i++) {
      const call = logged.calls[i]!;
      // An abort is reproduced from its logged outcome: its body never runs again.
      if (!call.result.ok && call.result.code === 'BUDGET_EXCEEDED') aborts.set(i, call.result.message);
      if (call.origin === CALL_ORIGIN.LIFECYCLE && call.reducer === PUBLISH_CALL) {
        // The engine logs the swap itself, first in the tick, from the same payload.
        if (!isPublishPayload(call.args))
          return done({
            tick,
            kind: 'call',
            callIndex: i,
            message: `tick ${tick} call ${i}: a ${PUBLISH_CALL} without {hash, source} in its payload`,
          });
        try {
          // Without its warm hook: it fills caches only, and run here under a wall-clock budget it
          // could refuse a version the live run took, making replay depend on timing.
          const module = { ...(await moduleVersion(call.args, tick)), warm: undefined };
          engine.publish({ module, payload: call.args });
        } catch (error) {
          return done({
            tick,
            kind: 'error',
            callIndex: i,
            message: `tick ${tick} call ${i} (${PUBLISH_CALL} ${call.args.hash.slice(0, 12)}): ${(error as Error).message}`,
          });
        }
        continue;
      }
      if (call.origin === CALL_ORIGIN.SCHEDULE) continue;
      if (isSystemCall(call)) {
        const own = logged.changes.filter((c) => c.callIndex === i);
        const target = engine;
        engine.enqueueSystem(call.reducer, () => writeLoggedChanges(target, own), undefined, call.args ?? {});
        continue;
      }
      if (call.args === undefined)
        return done({
          tick,
          kind: 'call',
          callIndex: i,
          message: `tick ${tick} call ${i}: the schema no longer knows reducer '${call.reducer}', so its logged arguments cannot be decoded`,
        });
      try {
        engine.enqueueRecorded({
          origin: call.origin,
          reducer: call.reducer,
          sender: call.sender,
          args: call.args,
        });
      } catch (error) {
        return done({
          tick,
          kind: 'error',
          callIndex: i,
          message: `tick ${tick} call ${i} ('${call.reducer}'): ${(error as Error).message}`,
        });
      }
    }
    let produced: TickRecord;
    engine.reproduceAborts(aborts);
    try {
      produced = engine.runTick();
    } catch (error) {
      return done({ tick, kind: 'error', message: `tick ${tick}: replay threw ${(error as Error).message}` });
    }
    const divergence = compareTick(codec, writer, logged, payload, produced, schema);
    if (divergence !== undefined) return done(divergence);
    verified++;
    calls += logged.calls.length;
    changes += logged.changes.length;
    if (performance.now() - sliceStart > 8) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return done();
}

function missing(from: number, to: number, started: number, divergence: Divergence): ReplayReport {
  return {
    ok: false,
    from,
    to,
    verifiedTicks: 0,
    calls: 0,
    changes: 0,
    ms: performance.now() - started,
    divergence,
  };
}

function compareTick(
  codec: RecordCodec,
  writer: BinaryWriter,
  logged: LoggedTick,
  payload: Uint8Array,
  produced: TickRecord,
  schema: LogSchema,
): Divergence | undefined {
  const tick = logged.tick;
  writer.reset();
  codec.encodePayload(produced, writer);
  const mine = writer.view();
  const a = codec.changesRange(payload);
  const b = codec.changesRange(mine);
  const callsA = payload.subarray(bodyStart(payload), a.start);
  const callsB = mine.subarray(bodyStart(mine), b.start);
  if (!bytesEqual(callsA, callsB)) {
    const actual = codec.decode(mine.slice());
    if (actual.calls.length !== logged.calls.length)
      return {
        tick,
        kind: 'calls',
        message: `tick ${tick}: the log has ${logged.calls.length} call(s) [${logged.calls.map((c) => c.reducer).join(', ')}], the replay ran ${actual.calls.length} [${actual.calls.map((c) => c.reducer).join(', ')}]`,
        expected: logged.calls.length,
        actual: actual.calls.length,
      };
    for (let i = 0; i < logged.calls.length; i++) {
      const diff = describeCallDiff(logged.calls[i]!, actual.calls[i]!);
      if (diff !== undefined)
        return {
          tick,
          kind: 'call',
          callIndex: i,
          message: `tick ${tick} call ${i} ('${logged.calls[i]!.reducer}'): ${diff}`,
          expected: logged.calls[i],
          actual: actual.calls[i],
        };
    }
  }
  if (!bytesEqual(payload.subarray(a.start, a.end), mine.subarray(b.start, b.end))) {
    const actual = codec.decode(mine.slice());
    const n = Math.max(logged.changes.length, actual.changes.length);
    const one = new BinaryWriter(256);
    const two = new BinaryWriter(256);
    for (let i = 0; i < n; i++) {
      const e = logged.changes[i];
      const g = actual.changes[i];
      if (e !== undefined && g !== undefined) {
        codec.encodeChanges([e], one.reset());
        codec.encodeChanges([g], two.reset());
        if (bytesEqual(one.view(), two.view())) continue;
      }
      const ref = (e ?? g)!;
      const table = schema.tables[ref.tableId]!;
      const call = logged.calls[ref.callIndex];
      const describe = (c: LoggedChange | undefined) =>
        c === undefined
          ? 'nothing'
          : `${KIND[c.kind]} into '${schema.tables[c.tableId]!.name}' ${show(c.newRow ?? c.oldRow)} by call ${c.callIndex}`;
      return {
        tick,
        kind: 'change',
        changeIndex: i,
        callIndex: ref.callIndex,
        message: `tick ${tick} change ${i} (table '${table.name}', call ${ref.callIndex}${call === undefined ? '' : ` '${call.reducer}'`}): the log has ${describe(e)}, the replay produced ${describe(g)}`,
        expected: e,
        actual: g,
      };
    }
  }
  if (produced.stateHash !== logged.stateHash)
    return {
      tick,
      kind: 'hash',
      message: `tick ${tick}: state hash ${produced.stateHash} after replay, the log recorded ${logged.stateHash}`,
      expected: logged.stateHash,
      actual: produced.stateHash,
    };
  return undefined;
}

function describeCallDiff(e: LoggedCall, g: LoggedCall): string | undefined {
  if (e.origin !== g.origin || e.reducer !== g.reducer)
    return `the log has ${e.reducer} (origin ${e.origin}), the replay ran ${g.reducer} (origin ${g.origin})`;
  if (e.sender !== g.sender) return `sender ${e.sender} in the log, ${g.sender} in the replay`;
  if (e.scheduleId !== g.scheduleId)
    return `schedule id ${e.scheduleId} in the log, ${g.scheduleId} in the replay`;
  if (!bytesEqual(e.argsBytes, g.argsBytes))
    return `arguments ${show(e.args)} in the log, ${show(g.args)} in the replay`;
  // A return value is derived from the state and the arguments, so a replay must return the same one.
  const r = (c: LoggedCall) =>
    c.result.ok
      ? c.result.returns === undefined
        ? 'ok'
        : `ok, returned ${show(c.result.value)}`
      : `${c.result.code}: ${c.result.message}`;
  if (r(e) !== r(g)) return `result '${r(e)}' in the log, '${r(g)}' in the replay`;
  return undefined;
}

/** Offset of the calls section length prefix: after tick, now, hash and duration. */
function bodyStart(payload: Uint8Array): number {
  const r = new BinaryReader(payload);
  r.uvar();
  return r.offset + 8 + 8 + 4;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether tick `tick`'s first call is a `__publish` (a runtime migration's tick). */
function publishedAt(store: LogStore, tick: number): boolean {
  for (const { payload } of store.payloads(tick, tick)) {
    const first = store.codecAt(tick).decode(payload, { changes: false }).calls[0];
    return first?.origin === CALL_ORIGIN.LIFECYCLE && first.reducer === PUBLISH_CALL;
  }
  return false;
}

/**
 * The last module version logged at or before `tick` (a `__publish` call's payload and its tick),
 * or undefined when none is. Reads the calls sections only, of the ticks from `from` on.
 * @example
 * lastPublished(store, store.lastTick)?.payload.hash; // the version running at the end of the log
 */
export function lastPublished(
  store: LogStore,
  tick: number,
  from = store.firstTick + 1,
): { readonly tick: number; readonly payload: PublishPayload } | undefined {
  let found: { tick: number; payload: PublishPayload } | undefined;
  from = Math.max(from, store.firstTick + 1);
  if (tick < from) return undefined;
  for (const { tick: t, payload } of store.payloads(from, tick)) {
    const calls = store.codec.decode(payload, { changes: false }).calls;
    for (const call of calls)
      if (
        call.origin === CALL_ORIGIN.LIFECYCLE &&
        call.reducer === PUBLISH_CALL &&
        isPublishPayload(call.args)
      )
        found = { tick: t, payload: call.args };
  }
  return found;
}
