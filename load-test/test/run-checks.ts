import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { LoadRunResult } from '../src/driver';
import { describeEnvironment } from '../src/environment';
import { runReport, writeReport } from '../src/reports';

/**
 * Tiny real runs: a server child process, worker-thread bots over real WebSockets, the whole
 * measurement pipeline. They check that every figure is measured and consistent, never how fast.
 */

/** Clients of every tiny run. */
export const CLIENTS = 10;
const out = mkdtempSync(join(tmpdir(), 'loadtest-it-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Figures both targets must produce, whatever the machine's speed. */
export function checkRun(r: LoadRunResult): void {
  const s = r.summary;
  expect(s.connectionsAccepted).toBe(CLIENTS);
  expect(s.connectionsFailed).toBe(0);
  expect(s.clientsConnected).toBe(CLIENTS);
  expect(s.lostByReason).toEqual({});
  // The server ticked and reported its ticks.
  expect(s.tick.count).toBeGreaterThan(0);
  expect(s.ticksPerSecond).toBeGreaterThan(0);
  expect(s.tick.maxMs).toBeGreaterThanOrEqual(s.tick.p99Ms);
  expect(s.tick.p99Ms).toBeGreaterThanOrEqual(s.tick.p50Ms);
  // Clients received updates and acknowledgements, and sent steps.
  expect(s.messagesInPerClientPerSecond).toBeGreaterThan(0);
  expect(s.updatesPerClientPerSecond).toBeGreaterThan(0);
  expect(s.messagesOutPerClientPerSecond).toBeGreaterThan(0);
  expect(s.roundTrip.count).toBeGreaterThan(0);
  // A message carries at least a type byte and at most a few entities' worth here.
  expect(s.bytesPerMessageIn).toBeGreaterThan(1);
  expect(s.bytesPerMessageIn).toBeLessThan(2000);
  expect(s.bytesInPerClientPerSecond).toBeCloseTo(s.bytesPerMessageIn * s.messagesInPerClientPerSecond, 0);
  // Update ages resolved against the server's tick start times.
  expect(s.updateAge).toBeDefined();
  expect(s.updateAge!.count).toBeGreaterThan(0);
  expect(s.updateAge!.p50Ms).toBeGreaterThanOrEqual(0);
  // Every client sees at least itself and at most everyone.
  expect(s.visiblePerClient).toBeGreaterThanOrEqual(1);
  expect(s.visiblePerClient).toBeLessThanOrEqual(CLIENTS);
  // The server process was measured.
  expect(s.serverRssMaxBytes).toBeGreaterThan(10 * 1024 * 1024);
  expect(s.serverCpuPercent).toBeGreaterThanOrEqual(0);
  expect(r.timeline.length).toBeGreaterThanOrEqual(r.durationS);
  expect(r.timeline.some((row) => row.clients === CLIENTS && row.ticks > 0)).toBe(true);
}

/** The run's report files hold its figures. */
export function checkReport(r: LoadRunResult): void {
  const env = describeEnvironment();
  const paths = writeReport(out, `loadtest-${r.target}-${r.clients}`, runReport(r, env), {
    environment: env,
    result: r,
  });
  const json = JSON.parse(readFileSync(paths.json, 'utf8')) as { result: LoadRunResult };
  expect(json.result.summary.connectionsAccepted).toBe(CLIENTS);
  expect(readFileSync(paths.markdown, 'utf8')).toContain(
    `| connections accepted / failed | ${CLIENTS} / 0 |`,
  );
  expect(readFileSync(paths.html, 'utf8')).toContain('<svg');
}
