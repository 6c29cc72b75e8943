/**
 * A runtime migration at the frame level, with raw sockets against a real server: the exact
 * order (no frame in the old shape after SCHEMA, none in the new shape before it), frames the
 * client encoded with the old schema before its SCHEMA_ACK, and clients too old to follow.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  compileWireSchema,
  decodeServerMessage,
  encodeCall,
  encodeConnect,
  encodeSchemaAck,
  encodeSubscribe,
  PROTOCOL_VERSION,
  RESET_REASON,
  type SectionVisitor,
  type ServerMessage,
  type WireSchema,
} from '../../src/protocol';
import { openRawSocket, type RawSocket } from '../kit';
import { startLiveShop, type LiveShop } from './live-migration-fixture';

const shops: LiveShop[] = [];
const sockets: RawSocket[] = [];
afterEach(async () => {
  for (const r of sockets.splice(0)) r.close();
  for (const s of shops.splice(0)) await s.close();
});

type Row = Record<string, unknown>;

/** A raw client that decodes every frame with the schema it holds, switching at SCHEMA as the protocol says. */
async function rawClient(s: LiveShop, version = PROTOCOL_VERSION) {
  const raw = await openRawSocket(s.url);
  sockets.push(raw);
  raw.send(encodeConnect(version, ''));
  const identity = decodeServerMessage(await raw.next(), undefined, undefined);
  if (identity.type !== 'identity') throw new Error(`expected IDENTITY, got ${identity.type}`);
  let wire: WireSchema = compileWireSchema(identity.schema);
  const rows: { table: string; row: Row; columns: number; after: boolean }[] = [];
  let afterSchema = false;
  const visitor: SectionVisitor = {
    delete: () => {},
    insert: (t, row) => rows.push({ table: t.name, row, columns: t.columnNames.length, after: afterSchema }),
    update: (t, _key, reader) => void t.update.decode(reader, undefined),
    reset: (t, list) => {
      for (const row of list)
        rows.push({ table: t.name, row, columns: t.columnNames.length, after: afterSchema });
    },
  };
  /** The next message, decoded with the schema in force when it arrives. */
  const next = async (): Promise<ServerMessage> => {
    const m = decodeServerMessage(await raw.next(), wire, visitor, version);
    if (m.type === 'schema') {
      wire = compileWireSchema(m.schema);
      afterSchema = true;
    }
    return m;
  };
  const until = async (pred: (m: ServerMessage) => boolean): Promise<ServerMessage[]> => {
    const seen: ServerMessage[] = [];
    for (;;) {
      const m = await next();
      seen.push(m);
      if (pred(m)) return seen;
    }
  };
  return {
    raw,
    rows,
    next,
    until,
    get wire() {
      return wire;
    },
  };
}

async function shop(): Promise<LiveShop> {
  const s = await startLiveShop();
  shops.push(s);
  return s;
}

describe('SCHEMA on the wire', () => {
  it('splits the frame stream exactly: old shape before it, new shape after it, while a bot keeps writing', async () => {
    const s = await shop();
    const { conn: bot } = await s.client();
    await bot.call('spawn', { id: 1, name: 'ada' });
    const c = await rawClient(s);
    const oldWire = c.wire;
    c.raw.send(encodeSubscribe(oldWire, 1, { table: 'player' }));
    await c.until((m) => m.type === 'subscribed');
    // The bot heals the player to a new value on every frame it applies: TICK_UPDATEs of player
    // on both sides of the boundary.
    let heals = 0;
    const heal = () => void bot.call('heal', { id: 1, to: 50 + (heals++ % 50) }).catch(() => {});
    const off = bot.onFrame(() => {
      if (heals < 400) heal();
    });
    heal();
    const warmup = await c.until((m) => m.type === 'tick');
    const publishing = s.publish({ playerColumns: [{ name: 'level', defaultValue: 9 }] });
    const before = await c.until((m) => m.type === 'schema');
    const schema = before[before.length - 1]!;
    expect(schema.type === 'schema' && schema.resetTableIds).toEqual([
      schema.type === 'schema' ? schema.schema.tables.find((t) => t.name === 'player')!.id : -1,
    ]);
    const after = await c.until((m) => m.type === 'reset');
    const reset = after[after.length - 1]!;
    expect(reset.type === 'reset' && reset.reason).toBe(RESET_REASON.SCHEMA);
    expect(await publishing).toEqual({ ok: true });
    // Some more ticks in the new shape.
    await c.until((m) => m.type === 'tick');
    await c.until((m) => m.type === 'tick');
    off();
    c.raw.send(encodeSchemaAck(schema.type === 'schema' ? schema.version : 0));

    const old = c.rows.filter((r) => !r.after);
    const fresh = c.rows.filter((r) => r.after);
    expect(old.length).toBeGreaterThan(0);
    expect(fresh.length).toBeGreaterThan(0);
    expect(old.every((r) => r.columns === 3 && !('level' in r.row))).toBe(true);
    expect(fresh.every((r) => r.columns === 4 && r.row.level === 9)).toBe(true);
    expect(fresh[0]!.row).toMatchObject({ id: 1, name: 'ada', level: 9 });
    // Updates in both shapes went through: ticks before the SCHEMA and after the RESET.
    expect([...warmup, ...before].filter((m) => m.type === 'tick').length).toBeGreaterThan(0);
  });

  it('decodes frames sent before SCHEMA_ACK with the old schema: the call runs by name, or fails naming both versions', async () => {
    const s = await shop();
    const { conn: bot } = await s.client();
    await bot.call('spawn', { id: 1, name: 'ada' });
    const c = await rawClient(s);
    const oldWire = c.wire;
    c.raw.send(encodeSubscribe(oldWire, 1, { table: 'player' }));
    await c.until((m) => m.type === 'subscribed');
    const publishing = s.publish({
      playerColumns: [{ name: 'level', defaultValue: 1 }],
      hurtFactor: 5,
      healArg: 'hp',
    });
    const [schema] = (await c.until((m) => m.type === 'schema')).slice(-1);
    expect(await publishing).toEqual({ ok: true });
    if (schema?.type !== 'schema') throw new Error('no SCHEMA');

    // Not acknowledged yet: the server still reads this client's frames in the old schema.
    c.raw.send(encodeCall(oldWire, 11, 'hurt', { id: 1, by: 2 }));
    c.raw.send(encodeCall(oldWire, 12, 'heal', { id: 1, to: 50 }));
    const results: ServerMessage[] = [];
    await c.until((m) => {
      if (m.type === 'result') results[m.requestId - 11] = m;
      return results[0] !== undefined && results[1] !== undefined;
    });
    expect(results[0]).toEqual({ type: 'result', requestId: 11, ok: true });
    expect(results[1]).toMatchObject({ type: 'result', requestId: 12, ok: false, code: 'INVALID_ARGUMENT' });
    expect(results[1]!.type === 'result' && !results[1]!.ok && results[1]!.message).toMatch(
      new RegExp(`'heal' was made for schema version \\d+ and reached version ${s.db.engine.schema.version}`),
    );
    // The new body ran on the call encoded before the swap.
    expect(s.db.engine.tables.player!.find(1)).toMatchObject({ hp: 90, level: 1 });

    // After the ACK, the new schema: the renamed argument, the new reducer table.
    c.raw.send(encodeSchemaAck(schema.version));
    c.raw.send(encodeCall(c.wire, 13, 'heal', { id: 1, hp: 70 }));
    const last = (await c.until((m) => m.type === 'result')).slice(-1)[0];
    expect(last).toEqual({ type: 'result', requestId: 13, ok: true });
    expect(s.db.engine.tables.player!.find(1)).toMatchObject({ hp: 70 });

    // An ACK of a version never announced is refused, and the session stays.
    c.raw.send(encodeSchemaAck(schema.version + 5));
    const refused = (await c.until((m) => m.type === 'error')).slice(-1)[0];
    expect(refused).toMatchObject({ type: 'error', code: 'PROTOCOL_ERROR' });
    expect(refused!.type === 'error' && refused!.message).toMatch(
      /SCHEMA_ACK names schema version \d+, which was not announced/,
    );
  });

  it('closes a protocol version 3 client with SCHEMA_CHANGED (it cannot read SCHEMA) and keeps the SDK client open', async () => {
    const s = await shop();
    const { conn, closes } = await s.client();
    await conn.subscribe({ table: 'player' }).applied;
    const old = await rawClient(s, 3);
    old.raw.send(encodeSubscribe(old.wire, 1, { table: 'player' }));
    await old.until((m) => m.type === 'subscribed');
    expect(await s.publish({ playerColumns: [{ name: 'level', defaultValue: 1 }] })).toEqual({ ok: true });
    const [close] = (await old.until((m) => m.type === 'close')).slice(-1);
    expect(close).toMatchObject({ type: 'close', closeCode: 4009, code: 'SCHEMA_CHANGED' });
    expect(close!.type === 'close' && close!.message).toMatch(/protocol version 3 cannot follow it in band/);
    expect((await old.raw.closed).code).toBe(4009);
    await conn.sync();
    expect(closes).toEqual([]);
    expect(conn.status).toBe('open');
  });
});
