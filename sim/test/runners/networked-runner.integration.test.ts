import { createFrontier, type FrontierModule } from '@tickspace/server/world';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@tickspace/server/test-kit';
import { runNetworked } from '../../src/runners/networked-runner';

describe('networked runner', () => {
  let server: TestServer<FrontierModule> | undefined;
  afterAll(async () => {
    await server?.engine.stop();
    await server?.close();
  });

  it('plays the same bots over real WebSockets from worker threads', async () => {
    const frontier = await createFrontier({ seed: 'net', worldTiles: 512 });
    server = await startTestServer(frontier.module, { tickMs: 50, seed: 'net' });
    const result = await runNetworked({
      url: server.url,
      mix: { human: 4, naive: 2, jittered: 2 },
      minutes: 0.15,
      workers: 2,
      joinWindowMs: 1_000,
      reportEveryMs: 500,
    });
    expect(result.workers).toBe(2);
    expect(result.stats.connectFailures).toBe(0);
    expect(result.stats.connects).toBe(8);
    expect(result.stats.calls.join).toBe(8);
    expect(result.stats.calls.move ?? 0).toBeGreaterThan(8);
    // The server saw them: one player row per bot, made through the SDK's join call.
    expect(server.engine.db.player.count()).toBe(8);
  }, 60_000);
});
