import {
  SERVER_IDENTITY,
  TickspaceError,
  type CallResult,
  type Engine,
  type Logger,
  type ReadonlyDb,
} from '../engine';
import type { Fabric, FabricConsumer, FabricMessage } from '../fabric';
import {
  decodeRegionMessage,
  encodeRegionMessage,
  regionMessageId,
  regionSubject,
  type DoneMessage,
  type HandoffMessage,
  type RegionMessage,
} from './handoff-messages';
import { HANDOFF_REDUCERS } from './handoff-reducers';
import { HANDOFF_OUTCOME, type HandoffTables, type OutboxRow } from './handoff-tables';
import type { PlayerDirectory } from './player-directory';

/**
 * The boundaries a relay passes, in handoff order: a fault hook may crash the region at any of
 * them (tests; `TICKSPACE_FAULT` in a region process). The sender's own commit is the module's
 * `handoff_out` call, before all of these.
 */
export const HANDOFF_POINTS = {
  /** The sender's outbox row is durable; nothing is published yet. */
  BEFORE_PUBLISH: 'before_publish',
  /** The broker stored the handoff; the sender has not seen the PubAck. */
  BEFORE_PUB_ACK: 'before_pub_ack',
  /** The receiver queued `handoff_in`; its tick has not committed. */
  BEFORE_RECEIVER_COMMIT: 'before_receiver_commit',
  /** The receiver's tick is durable; no answer is published, the delivery is not acked. */
  AFTER_RECEIVER_DURABLE: 'after_receiver_durable',
  /** The answer is published; the receiver has not acked the handoff delivery. */
  BEFORE_RECEIVER_ACK: 'before_receiver_ack',
  /** The answer reached the sender's process, which has not acted on it. */
  BEFORE_DONE_HANDLED: 'before_done_handled',
  /** The sender queued the delete of its outbox row; its tick has not committed. */
  BEFORE_OUTBOX_DELETE: 'before_outbox_delete',
} as const;
/** One of {@link HANDOFF_POINTS}. */
export type HandoffPoint = (typeof HANDOFF_POINTS)[keyof typeof HANDOFF_POINTS];

/** Options for {@link HandoffRelay}. */
export interface HandoffRelayOptions {
  /** The region's engine; its module includes `handoffTables()` and `handoffReducers()`. */
  readonly engine: Engine<any>;
  readonly fabric: Fabric;
  readonly region: string;
  /** Where arrivals are recorded (by the receiver, before it answers). @default none */
  readonly directory?: PlayerDirectory;
  /**
   * Every outbox row is published again this often until answered, whatever the broker said (a
   * timeout never cancels a handoff; a wiped broker store is re-driven). 0: only at start, after
   * each tick for new rows, and on {@link HandoffRelay.republish}. @default 1_000
   */
  readonly republishMs?: number;
  /** The consumer's AckWait. @default 30_000 */
  readonly ackWaitMs?: number;
  /** Larger region messages are refused before parsing. @default 512 KiB */
  readonly maxHandoffBytes?: number;
  /** Called at each {@link HANDOFF_POINTS} boundary; a throw halts the relay there (a crash). */
  readonly fault?: (point: HandoffPoint) => void;
  /** @default console */
  readonly logger?: Logger;
}

/** What a relay did, for tests and metrics. */
export interface HandoffRelayCounts {
  published: number;
  publishFailures: number;
  applied: number;
  rejected: number;
  duplicates: number;
  answers: number;
  invalid: number;
  ackFailures: number;
}

/** Thrown through a relay's own chains once it is halted; never escapes. */
const HALTED = Symbol('halted');

/**
 * Moves a region's handoffs over the fabric: publishes each outbox row once its tick is durable
 * (the engine's fan-out runs only then), applies arrivals through `handoff_in` and answers once
 * that tick is durable, acks a delivery last, and deletes outbox rows on the answer. It keeps no
 * state a crash could lose: the outbox and the applied set are tables in the region's log.
 */
export class HandoffRelay {
  readonly counts: HandoffRelayCounts = {
    published: 0,
    publishFailures: 0,
    applied: 0,
    rejected: 0,
    duplicates: 0,
    answers: 0,
    invalid: 0,
    ackFailures: 0,
  };
  readonly #o: HandoffRelayOptions;
  readonly #logger: Logger;
  readonly #publishing = new Set<number>();
  readonly #published = new Set<number>();
  #consumer: FabricConsumer | undefined;
  #unhook: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #halted = false;
  #active = 0;
  #waiting = 0;
  #settleWaiters: (() => void)[] = [];

  constructor(options: HandoffRelayOptions) {
    this.#o = options;
    this.#logger = options.logger ?? console;
  }

  /** Starts consuming the region's subject and publishes every outbox row the log holds. */
  async start(): Promise<void> {
    this.#unhook = this.#o.engine.onTick(() => this.#publishNew());
    this.#consumer = await this.#o.fabric.consume(
      {
        durable: `in-${this.#o.region}`,
        subject: regionSubject(this.#o.region),
        ackWaitMs: this.#o.ackWaitMs,
      },
      (m) => this.#track(() => this.#receive(m)),
    );
    this.republish();
    const every = this.#o.republishMs ?? 1_000;
    if (every > 0) {
      this.#timer = setInterval(() => this.republish(), every);
      this.#timer.unref();
    }
  }

  /** Publishes every outbox row again (those not already on their way). */
  republish(): void {
    if (this.#halted) return;
    this.#published.clear();
    this.#publishNew();
  }

  /** Stops at once, as a crash would: no further fabric call, no ack, nothing awaited. */
  halt(): void {
    this.#halted = true;
    this.#unhook?.();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    void this.#consumer?.stop();
    this.#wake();
  }

  /** Stops consuming and publishing (a clean shutdown: unacked deliveries come back to the next relay). */
  async stop(): Promise<void> {
    this.halt();
    await this.#consumer?.stop();
  }

  /**
   * Resolves once every operation in flight is waiting for an engine tick or is finished: what a
   * step-by-step test waits on before its next step.
   */
  async settled(): Promise<void> {
    for (;;) {
      // One macrotask first: continuations of calls a tick just answered run before we look.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#halted || this.#active === this.#waiting) return;
      await new Promise<void>((resolve) => this.#settleWaiters.push(resolve));
    }
  }

  #wake(): void {
    if (!this.#halted && this.#active !== this.#waiting) return;
    const waiters = this.#settleWaiters;
    this.#settleWaiters = [];
    for (const w of waiters) w();
  }

  #track(op: () => Promise<void>): void {
    if (this.#halted) return;
    this.#active++;
    op()
      .catch((error: unknown) => {
        if (error !== HALTED) this.#logger.error(`region ${this.#o.region}: handoff relay fault`, error);
      })
      .finally(() => {
        this.#active--;
        this.#wake();
      });
  }

  /** A boundary: halted relays stop here, and a fault hook may crash the region here. */
  #point(point: HandoffPoint): void {
    if (this.#halted) throw HALTED;
    if (this.#o.fault === undefined) return;
    try {
      this.#o.fault(point);
    } catch {
      this.halt();
      throw HALTED;
    }
  }

  async #call(reducer: string, args: Record<string, unknown>, point?: HandoffPoint): Promise<CallResult> {
    this.#waiting++;
    try {
      const result = this.#o.engine.call(SERVER_IDENTITY, reducer, args);
      if (point !== undefined) this.#point(point);
      return await result;
    } finally {
      this.#waiting--;
      if (this.#halted) throw HALTED;
    }
  }

  #outbox(): OutboxRow[] {
    return (this.#o.engine.db as unknown as ReadonlyDb<HandoffTables>).ts_outbox.iter();
  }

  /** Called after each durable tick: outbox rows not yet published go out. */
  #publishNew(): void {
    if (this.#halted) return;
    const rows = this.#outbox();
    if (rows.length === 0) return;
    let floor = rows[0]!.id;
    for (const row of rows) if (row.id < floor) floor = row.id;
    for (const row of rows) {
      if (this.#publishing.has(row.id) || this.#published.has(row.id)) continue;
      this.#publishing.add(row.id);
      this.#track(() => this.#publish(row, floor).finally(() => this.#publishing.delete(row.id)));
    }
  }

  async #publish(row: OutboxRow, floor: number): Promise<void> {
    this.#point(HANDOFF_POINTS.BEFORE_PUBLISH);
    const message: HandoffMessage = {
      kind: 'handoff',
      from: this.#o.region,
      to: row.to,
      id: row.id,
      floor,
      entity: row.entity,
      epoch: row.epoch,
      payload: row.payload,
      // The tick: a new id for each republish (one every republishMs at most), and still new after
      // a restart (the log carries the tick on), where a counter in memory would start again.
      attempt: this.#o.engine.tick,
    };
    try {
      await this.#o.fabric.publish(
        regionSubject(row.to),
        encodeRegionMessage(message),
        regionMessageId(message),
      );
    } catch (error) {
      // Left for the next republish: whether or not this one was stored, the applied set takes one copy.
      if (this.#halted) throw HALTED;
      this.counts.publishFailures++;
      if (!(error instanceof TickspaceError && error.code === 'FABRIC_UNAVAILABLE')) throw error;
      return;
    }
    this.#point(HANDOFF_POINTS.BEFORE_PUB_ACK);
    this.#published.add(row.id);
    this.counts.published++;
  }

  async #receive(delivery: FabricMessage): Promise<void> {
    let message: RegionMessage;
    try {
      message = decodeRegionMessage(delivery.data, {
        maxHandoffBytes: this.#o.maxHandoffBytes,
        subject: delivery.subject,
      });
      if (message.to !== this.#o.region)
        throw new TickspaceError(
          'INVALID_HANDOFF',
          `region message on ${delivery.subject} is addressed to ${message.to}, not ${this.#o.region}`,
        );
    } catch (error) {
      // Not ours to apply, and redelivery would not change it. The sender keeps the entity in its
      // outbox (nothing is lost) and re-drives it once the cause (a smaller limit here) is fixed.
      this.counts.invalid++;
      this.#logger.error(`region ${this.#o.region}: refused message ${delivery.msgId}`, error);
      await this.#ack(delivery);
      return;
    }
    if (message.kind === 'handoff') await this.#applyHandoff(message, delivery);
    else await this.#applyDone(message, delivery);
  }

  async #applyHandoff(m: HandoffMessage, delivery: FabricMessage): Promise<void> {
    const args = {
      from: m.from,
      id: m.id,
      floor: m.floor,
      entity: m.entity,
      epoch: m.epoch,
      payload: m.payload,
    };
    const inbox = (this.#o.engine.db as unknown as ReadonlyDb<HandoffTables>).ts_inbox;
    const before = inbox.find([m.from, m.id]);
    const result = await this.#call(HANDOFF_REDUCERS.IN, args, HANDOFF_POINTS.BEFORE_RECEIVER_COMMIT);
    if (!result.ok) {
      if (result.code === 'INTERNAL') {
        // A server fault, not a refusal: unacked, the delivery comes back and is tried again.
        this.#logger.error(`region ${this.#o.region}: handoff_in of ${m.entity} from ${m.from} failed`);
        return;
      }
      await this.#call(HANDOFF_REDUCERS.REJECT, { ...args, code: result.code, message: result.message });
    }
    this.#point(HANDOFF_POINTS.AFTER_RECEIVER_DURABLE);
    const row = inbox.find([m.from, m.id]);
    if (before !== undefined || row === undefined) this.counts.duplicates++;
    else if (row.outcome === HANDOFF_OUTCOME.APPLIED) this.counts.applied++;
    else this.counts.rejected++;
    if (row === undefined) {
      // Below the sender's floor: finished there long ago, nobody waits for an answer.
      await this.#ack(delivery);
      return;
    }
    if (row.outcome === HANDOFF_OUTCOME.APPLIED && this.#o.directory !== undefined) {
      try {
        await this.#o.directory.record(m.entity, this.#o.region, m.epoch);
      } catch (error) {
        if (this.#halted) throw HALTED;
        this.#logger.warn(
          `region ${this.#o.region}: directory update for ${m.entity} deferred: ${String(error)}`,
        );
        return;
      }
    }
    const done: DoneMessage = {
      kind: 'done',
      from: this.#o.region,
      to: m.from,
      id: m.id,
      outcome: row.outcome === HANDOFF_OUTCOME.APPLIED ? 'applied' : 'rejected',
      code: row.code,
      message: row.message.slice(0, 4096),
      attempt: m.attempt,
    };
    try {
      await this.#o.fabric.publish(regionSubject(m.from), encodeRegionMessage(done), regionMessageId(done));
    } catch (error) {
      // Unacked, the handoff comes back and the answer is published again then.
      if (this.#halted) throw HALTED;
      this.counts.publishFailures++;
      if (!(error instanceof TickspaceError && error.code === 'FABRIC_UNAVAILABLE')) throw error;
      return;
    }
    this.#point(HANDOFF_POINTS.BEFORE_RECEIVER_ACK);
    await this.#ack(delivery);
  }

  async #applyDone(m: DoneMessage, delivery: FabricMessage): Promise<void> {
    this.#point(HANDOFF_POINTS.BEFORE_DONE_HANDLED);
    const result = await this.#call(
      HANDOFF_REDUCERS.DONE,
      { from: m.from, id: m.id, outcome: m.outcome },
      HANDOFF_POINTS.BEFORE_OUTBOX_DELETE,
    );
    if (!result.ok) {
      this.#logger.error(`region ${this.#o.region}: handoff_done ${m.id} failed: ${result.message}`);
      return;
    }
    this.counts.answers++;
    await this.#ack(delivery);
  }

  async #ack(delivery: FabricMessage): Promise<void> {
    if (this.#halted) throw HALTED;
    try {
      await delivery.ack();
    } catch {
      // A lost ack is a redelivery later, which the applied set answers.
      this.counts.ackFailures++;
    }
  }
}
