import { t, table } from '../engine';

/**
 * The handoff kit's tables, to spread into any module's schema next to its own:
 * `createSchema({ ...myTables, ...handoffTables() })`. They are private (no client sees them)
 * and carry no game: an entity is a string id, what travels with it is the module's payload.
 */
export function handoffTables() {
  return {
    /** Entities that left, waiting for the receiver's answer: the sender's half of "exactly once". */
    ts_outbox: table(
      { public: false },
      {
        id: t.u32().primaryKey(),
        to: t.string(),
        entity: t.string().unique(),
        epoch: t.u32(),
        /** What travels, as {@link encodePayload} wrote it. */
        payload: t.string(),
      },
    ),
    /**
     * The applied-id set: every handoff this region took in (applied or rejected), by sender and
     * id, until the sender's floor passes it. A duplicate finds its row and gets the same answer.
     */
    ts_inbox: table(
      { public: false, primaryKey: ['from', 'id'] },
      {
        from: t.string(),
        id: t.u32(),
        entity: t.string(),
        epoch: t.u32(),
        outcome: t.string(),
        code: t.string(),
        message: t.string(),
      },
    ),
    /** Per sender: every id below `floor` is finished at the sender (its outbox row is gone). */
    ts_inbox_floor: table({ public: false }, { from: t.string().primaryKey(), floor: t.u32() }),
    /** Tombstones: where an entity went and at which epoch (an input that still reaches us is answered with it). */
    ts_moved: table({ public: false }, { entity: t.string().primaryKey(), to: t.string(), epoch: t.u32() }),
    /** Epochs of the travelling entities that live here (an entity born here is at epoch 0 and has no row). */
    ts_resident: table({ public: false }, { entity: t.string().primaryKey(), epoch: t.u32() }),
    /** The next outbox id. Never an auto-increment: ids must not come back after the outbox empties. */
    ts_handoff_seq: table({ public: false }, { id: t.u8().primaryKey(), next: t.u32() }),
  };
}

/** The kit's tables as a module declares them. */
export type HandoffTables = ReturnType<typeof handoffTables>;

/** What a receiver did with a handoff. */
export const HANDOFF_OUTCOME = { APPLIED: 'applied', REJECTED: 'rejected' } as const;
/** One of {@link HANDOFF_OUTCOME}. */
export type HandoffOutcome = (typeof HANDOFF_OUTCOME)[keyof typeof HANDOFF_OUTCOME];

/** An outbox row. */
export interface OutboxRow {
  readonly id: number;
  readonly to: string;
  readonly entity: string;
  readonly epoch: number;
  readonly payload: string;
}

/** An applied-set row. */
export interface InboxRow {
  readonly from: string;
  readonly id: number;
  readonly entity: string;
  readonly epoch: number;
  readonly outcome: string;
  readonly code: string;
  readonly message: string;
}

const BIGINT_TAG = '$bigint';

/**
 * Encodes what travels with an entity as JSON text; bigints survive (tagged), everything else
 * must be JSON (no bytes, no undefined in arrays).
 */
export function encodePayload(value: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? { [BIGINT_TAG]: v.toString() } : v,
  );
}

/** The inverse of {@link encodePayload}. @throws SyntaxError for text that is not JSON. */
export function decodePayload(text: string): Record<string, unknown> {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const tagged = (v as Record<string, unknown>)[BIGINT_TAG];
      if (typeof tagged === 'string' && Object.keys(v).length === 1) return BigInt(tagged);
    }
    return v;
  }) as Record<string, unknown>;
}
