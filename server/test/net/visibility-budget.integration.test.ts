import { afterEach, describe, expect, it } from 'vitest';
import { runaway, trap } from '../subscriptions/runaway-rule-fixture';
import { startTestServer, type TestServer } from '../kit';

let ts: TestServer<typeof runaway> | undefined;
afterEach(async () => {
  trap.on = false;
  await ts?.close();
  ts = undefined;
});

describe('visibilityBudgetMs over the network', () => {
  it('a SUBSCRIBE whose rule never returns is answered BUDGET_EXCEEDED; the session and the ticks go on', async () => {
    const errors: string[] = [];
    ts = await startTestServer(runaway, {
      limits: { visibilityBudgetMs: 50 },
      logger: { error: (m) => void errors.push(m), warn: (m) => void errors.push(m) },
    });
    const c = await ts.connectClient();
    await c.conn.subscribe({ table: 'mine' }).applied;
    await c.conn.reducers.put({ id: 1, loop: false });
    // The rule meets row 1 when the SUBSCRIBE walks the table.
    trap.on = true;
    const stuck = c.conn.subscribe({ table: 'secret' });
    await expect(stuck.applied).rejects.toMatchObject({
      code: 'BUDGET_EXCEEDED',
      message: expect.stringMatching(
        /visibility rule of table 'secret' ran past the visibility budget of 50 ms/,
      ) as unknown,
    });
    trap.on = false;
    expect(errors).toEqual([expect.stringMatching(/table 'secret'/)]);
    expect(ts.server.hub.subscriptions.stats().stoppedVisibilityRules).toEqual(['secret']);
    // Same connection, ticks still running: a call commits and its row arrives.
    await c.conn.reducers.note({ id: 7 });
    await c.waitFor(() => c.db.mine.count() === 1, 'the note row');
    expect(c.db.mine.iter().map((r) => r.id)).toEqual([7]);
    c.close();
  });
});
