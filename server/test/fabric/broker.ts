import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { startNatsServer, type NatsServer } from '../../src/fabric';

const owned: { server: NatsServer; dir: string }[] = [];
const cleanups: (() => Promise<void>)[] = [];

/** A temporary directory, removed after the test. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `fn` after the test (before the brokers stop), last registered first. */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/** A nats-server of this test's own: a free loopback port, a store in a temp dir, stopped after the test. */
export async function startBroker(): Promise<NatsServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-nats-'));
  const server = await startNatsServer({ storeDir: path.join(dir, 'store') });
  owned.push({ server, dir });
  return server;
}

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
  for (const { server, dir } of owned.splice(0)) {
    await server.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
