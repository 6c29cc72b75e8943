import { describe, expect, it } from 'vitest';
import { runLoad } from '../src/driver';
import { startServerProcess } from '../src/server-process';
import { createMovementScenario } from '../src/scenario';
import { runSweep } from '../src/sweep';
import { runTransfer } from '../src/transfer';

/** Every limit of the driver is an option; these runs exceed them and check what is reported. */
describe('load test limits and bad options', () => {
  it('a connect timeout shorter than any handshake fails every connection with TIMEOUT, and the run still reports', async () => {
    const r = await runLoad({
      target: 'colyseus',
      clients: 3,
      durationS: 1,
      rampS: 0,
      pin: false,
      workers: 1,
      connectTimeoutMs: 1,
    });
    expect(r.summary.connectionsAccepted).toBe(0);
    expect(r.summary.connectionsFailed).toBe(3);
    expect(r.summary.failedByCode).toEqual({ TIMEOUT: 3 });
    expect(r.summary.clientsConnected).toBe(0);
  });

  it('a server that cannot start in startTimeoutMs is reported as TIMEOUT and killed', async () => {
    const config = {
      target: 'tickspace' as const,
      scenario: 'movement' as const,
      movement: createMovementScenario({ clients: 1 }),
      accounts: 0,
      maxLifetimeS: 30,
    };
    await expect(startServerProcess({ config, startTimeoutMs: 1, stderr: 'ignore' })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
  });

  it('refuses bad options before starting anything', async () => {
    await expect(runLoad({ target: 'tickspace', clients: 0, durationS: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(runLoad({ target: 'tickspace', clients: 2, durationS: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      runLoad({ target: 'colyseus', scenario: 'frontier', clients: 2, durationS: 1 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(runSweep({ target: 'tickspace', steps: [500, 250], durationS: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(runTransfer({ clients: 1, inFlight: 1, accounts: 1, durationS: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
