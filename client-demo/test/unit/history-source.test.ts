import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createHttpHistorySource, HistoryError } from '../../src/history/history-source';

/** A stand-in for the server's HTTP answers (fetch is the browser's, not one of our components). */
function fakeServer(earliest: number, latest: number, token = 'secret') {
  let requests = 0;
  const fetch = (async (url: string, init?: { headers?: Record<string, string> }) => {
    requests++;
    const u = new URL(url);
    const reply = (status: number, body: unknown) =>
      ({ ok: status === 200, status, json: async () => body }) as Response;
    if (init?.headers?.authorization !== `Bearer ${token}`)
      return reply(403, { error: { code: 'FORBIDDEN', message: 'admin endpoints need a token' } });
    if (u.pathname === '/health') return reply(200, { status: 'ok', tick: latest });
    const tick = u.searchParams.get('tick');
    const t = tick === null ? latest : Number(tick);
    if (t < earliest || t > latest)
      return reply(400, { error: { code: 'TICK_OUT_OF_RANGE', message: `tick ${t} is not in the history` } });
    const table = u.searchParams.get('table');
    const rows =
      table === 'terrain_chunk' ? [{ id: 1, cx: 0, cy: 0, x: 16, y: 16, tiles: '00ff06' }] : [{ id: 0 }];
    return reply(200, { ok: true, result: { tick: t, table, rows } });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests: () => requests };
}

describe('HTTP history source', () => {
  test('reads tables as of a tick; bytes columns come back as bytes', async () => {
    const s = fakeServer(1, 500);
    const source = createHttpHistorySource({ origin: 'http://game', adminToken: 'secret', fetch: s.fetch });
    expect(await source.latestTick()).toBe(500);
    const chunks = await source.table('terrain_chunk', 42);
    expect(chunks.tick).toBe(42);
    expect(chunks.rows[0]!.tiles).toEqual(new Uint8Array([0, 255, 6]));
  });

  test('a wrong token is a FORBIDDEN HistoryError', async () => {
    const source = createHttpHistorySource({
      origin: 'http://game',
      adminToken: 'nope',
      fetch: fakeServer(1, 10).fetch,
    });
    await expect(source.table('avatar', 3)).rejects.toMatchObject({
      name: 'HistoryError',
      code: 'FORBIDDEN',
    });
    expect(new HistoryError('X', 'y')).toBeInstanceOf(Error);
  });

  test('property: earliestTick finds the oldest retained tick in O(log n) requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: 100_000 })
          .chain((latest) => fc.tuple(fc.integer({ min: 1, max: latest }), fc.constant(latest))),
        async ([earliest, latest]) => {
          const s = fakeServer(earliest, latest);
          const source = createHttpHistorySource({
            origin: 'http://game',
            adminToken: 'secret',
            fetch: s.fetch,
          });
          expect(await source.earliestTick(latest)).toBe(earliest);
          expect(s.requests()).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(latest)));
        },
      ),
      { numRuns: 50 },
    );
  });
});
