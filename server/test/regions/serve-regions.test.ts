import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveRegions } from '../../src/cli/serve-regions';

const base = {
  natsUrl: 'nats://127.0.0.1:1',
  port: 0,
  host: '127.0.0.1',
  seed: 's',
  worldTiles: 512,
  tickMs: 50,
  print: () => {},
};

describe('serve --regions: bad input is refused before anything starts', () => {
  it('a malformed grid names the flag and the expected shape', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-regions-bad-'));
    await expect(serveRegions({ ...base, dataDir, spec: '2x' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('--regions 2x: expected <columns>x<rows>'),
    });
    expect(fs.existsSync(path.join(dataDir, 'regions.json'))).toBe(false);
  });

  it('a world keeps the layout it was created with: another grid over its logs is refused', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-regions-layout-'));
    const recorded = {
      grid: '2x2',
      worldTiles: 512,
      seed: 's',
      tickMs: 50,
      regions: ['r0_0', 'r1_0', 'r0_1', 'r1_1'],
    };
    fs.writeFileSync(path.join(dataDir, 'regions.json'), JSON.stringify(recorded));
    await expect(serveRegions({ ...base, dataDir, spec: '2x1' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('created with grid 2x2, not 2x1'),
    });
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'regions.json'), 'utf8'))).toEqual(recorded);
  });

  it('a fault for a region the grid does not have is refused', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-regions-fault-'));
    await expect(
      serveRegions({
        ...base,
        dataDir,
        spec: '2x2',
        natsUrl: 'nats://127.0.0.1:1',
        fault: 'r9_9=before_publish',
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('with region one of r0_0, r1_0, r0_1, r1_1'),
    });
  });
});
