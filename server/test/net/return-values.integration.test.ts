import { afterEach, describe, expect, it } from 'vitest';
import { createSchema, defineModule, t, table } from '../../src/engine';
import { decodeServerMessage, encodeCall, encodeConnect, SERVER_MESSAGE } from '../../src/protocol';
import { openRawSocket, startTestServer, type TestServer } from '../kit';

const schema = createSchema({
  note: table({ public: true }, { id: t.u32().primaryKey().autoInc(), text: t.string() }),
});
const notes = defineModule(schema, {
  reducers: [
    schema.reducer('write', { text: t.string() }, (ctx, { text }) => ctx.db.note.insert({ text }).id, {
      returns: t.u32(),
    }),
    schema.reducer('read', { id: t.u32() }, (ctx, { id }) => ctx.db.note.find(id)?.text ?? '', {
      returns: t.string(),
    }),
  ],
});

let ts: TestServer<typeof notes> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

/** A raw client of `version`: the first RESULT it gets for a `write` of `text`. */
async function rawWrite(server: TestServer<typeof notes>, version: number, text: string) {
  const raw = await openRawSocket(server.url);
  raw.send(encodeConnect(version, ''));
  expect((await raw.next())[0]).toBe(SERVER_MESSAGE.IDENTITY);
  raw.send(encodeCall(server.server.hub.schema.wire, 9, 'write', { text }));
  let frame = await raw.next();
  while (frame[0] !== SERVER_MESSAGE.RESULT) frame = await raw.next();
  raw.close();
  return frame;
}

describe('return values over WebSocket', () => {
  it("resolve the SDK's call with the value the reducer returned", async () => {
    ts = await startTestServer(notes);
    const { conn } = await ts.connectClient();
    const id = await conn.reducers.write({ text: 'first' });
    const again = await conn.reducers.write({ text: 'second' });
    expect([id, again]).toEqual([1, 2]);
    expect(await conn.reducers.read({ id: again })).toBe('second');
  });

  it('serves a protocol 5 client the plain success, a protocol 6 one the value', async () => {
    ts = await startTestServer(notes);
    const old = await rawWrite(ts, 5, 'from v5');
    expect(decodeServerMessage(old, undefined, undefined, 5)).toEqual({
      type: 'result',
      requestId: 9,
      ok: true,
    });
    const current = await rawWrite(ts, 6, 'from v6');
    expect(decodeServerMessage(current, undefined, undefined)).toEqual({
      type: 'result',
      requestId: 9,
      ok: true,
      value: 2,
    });
    expect(ts.engine.db.note.count()).toBe(2);
  });

  it('maxReturnBytes: a larger value is refused with RETURN_TOO_LARGE, the call still committed; one at the limit is sent', async () => {
    // The value of `read` is its kind byte, the string's uvar length and its bytes: 1 + 1 + 30 = 32.
    ts = await startTestServer(notes, { limits: { maxReturnBytes: 32 } });
    const { conn } = await ts.connectClient();
    const fits = 'x'.repeat(30);
    const id = await conn.reducers.write({ text: fits });
    expect(await conn.reducers.read({ id })).toBe(fits);
    const big = await conn.reducers.write({ text: fits + 'y' });
    await expect(conn.reducers.read({ id: big })).rejects.toMatchObject({
      code: 'RETURN_TOO_LARGE',
      message:
        "reducer 'read' committed, but its return value of 33 bytes exceeds maxReturnBytes (32); the log keeps it",
    });
    // The refusal is the session's: the engine committed the call with its value.
    expect(ts.engine.db.note.find(big)?.text).toBe(fits + 'y');
  });
});
