import { describe, expect, it } from 'vitest';
import { parseLimitOptions } from '../../src/cli/limit-option';

describe('tickspace serve --limit', () => {
  it('reads limit overrides, Infinity included', () => {
    expect(
      parseLimitOptions([
        'maxConnectionsPerAddress=Infinity',
        'idleTimeoutMs=120_000',
        'connectBurstPerAddress=8',
      ]),
    ).toEqual({
      maxConnectionsPerAddress: Infinity,
      idleTimeoutMs: 120_000,
      connectBurstPerAddress: 8,
    });
    expect(parseLimitOptions([])).toEqual({});
  });

  it('refuses unknown names, non-numbers and limits that do not fit together, with INVALID_ARGUMENT', () => {
    expect(() => parseLimitOptions(['maxConections=3'])).toThrow(/no limit named 'maxConections'/);
    expect(() => parseLimitOptions(['maxClients=lots'])).toThrow(/'lots' is not a number/);
    expect(() => parseLimitOptions(['maxClients'])).toThrow(/expects name=value/);
    expect(() => parseLimitOptions(['idleTimeoutMs=0'])).toThrow(/idleTimeoutMs must be > 0/);
    expect(() => parseLimitOptions(['maxClients=-1'])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
