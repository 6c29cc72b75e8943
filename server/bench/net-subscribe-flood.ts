/**
 * Subscription flooding against `tickspace serve` (the `npm start` process, Frontier, loopback),
 * run in a child process so its resident memory is the server's alone.
 *
 * Attack 1: `--connections` clients that never read each send one BATCH of `--pairs`
 * SUBSCRIBE + UNSUBSCRIBE pairs of the whole `resource_node` table (about 5 KB). Reported: the
 * server's RSS before and after, and how many of the attackers it closed.
 * Attack 2: one client that reads sends the same frame every 100 ms for `--seconds`. Reported:
 * /health response times during the attack against a baseline measured before it.
 *
 * `npx tsx server/bench/net-subscribe-flood.ts [--connections 40] [--pairs 512] [--seconds 5]`;
 * writes bench-results/net-subscribe-flood.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import {
  CLIENT_MESSAGE,
  compileWireSchema,
  decodeServerMessage,
  encodeBatch,
  encodeConnect,
  encodeSubscribe,
  encodeUnsubscribe,
  PROTOCOL_VERSION,
  type WireSchema,
} from '../src/protocol';
import { percentile, report, REPO_ROOT, type Figure } from './harness';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '40' },
    pairs: { type: 'string', default: '512' },
    seconds: { type: 'string', default: '5' },
    table: { type: 'string', default: 'resource_node' },
  },
});
const CONNECTIONS = Number(values.connections);
const PAIRS = Number(values.pairs);
const SECONDS = Number(values.seconds);
const TABLE = values.table!;

const rssBytes = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const mb = (bytes: number) => bytes / 1e6;
const until = async (what: string, ok: () => boolean, ms = 60_000) => {
  const end = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`${what}: not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function startServer(): Promise<{ pid: number; port: number; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tickspace-flood-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/src/cli.ts', '--data', dir, 'serve', '--port', '0', '--durability', 'never'],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await until('server start', () => /at http:\/\/[^:]+:(\d+)\//.test(out));
  const port = Number(/at http:\/\/[^:]+:(\d+)\//.exec(out)![1]);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Attacker {
  readonly ws: WebSocket;
  readonly schema: WireSchema;
  bytesIn: number;
  closeCode: number | undefined;
}

async function attacker(url: string, reading: boolean): Promise<Attacker> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const a = {
    ws,
    schema: undefined as unknown as WireSchema,
    bytesIn: 0,
    closeCode: undefined as number | undefined,
  };
  ws.on('error', () => {});
  ws.on('close', (code) => (a.closeCode = code));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const identity = new Promise<void>((resolve) =>
    ws.once('message', (data: Buffer) => {
      const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      // The IDENTITY may come alone or batched with the first tick.
      const msg = decodeServerMessage(
        frame[0] === 0x8b ? frame.subarray(frame.indexOf(0x81)) : frame,
        undefined,
        undefined,
      );
      if (msg.type === 'identity') a.schema = compileWireSchema(msg.schema);
      resolve();
    }),
  );
  ws.send(encodeConnect(PROTOCOL_VERSION, ''));
  await identity;
  if (a.schema === undefined) throw new Error('no IDENTITY from the server');
  ws.on('message', (data: Buffer) => (a.bytesIn += data.length));
  if (!reading) (ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
  return a;
}

function attackFrame(schema: WireSchema): Uint8Array {
  const messages: Uint8Array[] = [];
  for (let i = 0; i < PAIRS; i++)
    messages.push(encodeSubscribe(schema, 1, { table: TABLE }), encodeUnsubscribe(1));
  const frame = encodeBatch(CLIENT_MESSAGE.BATCH, messages);
  if (frame[0] !== CLIENT_MESSAGE.BATCH) throw new Error('bad frame');
  return frame;
}

async function healthMs(port: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  await res.json();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const server = await startServer();
  const url = `ws://127.0.0.1:${server.port}/ws`;
  const figures: Figure[] = [];
  try {
    // Let the world settle (terrain, first ticks) before measuring.
    for (let i = 0; i < 20; i++) await healthMs(server.port);
    const rssBefore = rssBytes(server.pid);

    // ---- attack 1: non-reading clients, one frame each -------------------------------------
    const silent: Attacker[] = [];
    for (let i = 0; i < CONNECTIONS; i++) silent.push(await attacker(url, false));
    const frame = attackFrame(silent[0]!.schema);
    for (const a of silent) a.ws.send(frame);
    // The server handles each frame at once; give the sends a moment to land, then sample.
    let rssPeak = rssBefore;
    const sampleUntil = performance.now() + 3000;
    while (performance.now() < sampleUntil) {
      await healthMs(server.port);
      rssPeak = Math.max(rssPeak, rssBytes(server.pid));
      await new Promise((r) => setTimeout(r, 100));
    }
    const rssHeld = rssBytes(server.pid);
    // A client that never reads never sees its close: count what the server still holds.
    const health = (await (await fetch(`http://127.0.0.1:${server.port}/health`)).json()) as {
      connections: number;
    };
    const closed = CONNECTIONS - health.connections;
    figures.push(
      { name: 'frame bytes', value: frame.length, unit: 'B' },
      { name: 'RSS before', value: mb(rssBefore), unit: 'MB' },
      { name: `RSS peak, ${CONNECTIONS} silent attackers`, value: mb(rssPeak), unit: 'MB' },
      {
        name: 'RSS held 3 s later',
        value: mb(rssHeld),
        unit: 'MB',
        ratio: rssHeld / rssBefore,
        baseline: 'RSS before',
      },
      { name: 'silent attackers closed by the server', value: closed, unit: 'connections' },
    );
    for (const a of silent) a.ws.terminate();

    // ---- attack 2: one reading client, the frame every 100 ms ------------------------------
    const baseline: number[] = [];
    for (let i = 0; i < 30; i++) baseline.push(await healthMs(server.port));
    const loud = await attacker(url, true);
    const during: number[] = [];
    let sent = 0;
    const timer = setInterval(() => {
      if (loud.ws.readyState !== WebSocket.OPEN) return;
      loud.ws.send(frame);
      sent++;
    }, 100);
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      during.push(await healthMs(server.port));
      await new Promise((r) => setTimeout(r, 50));
    }
    clearInterval(timer);
    const p50 = percentile(baseline, 0.5);
    figures.push(
      { name: '/health p50 before', value: p50, unit: 'ms' },
      {
        name: '/health p50 during the 100 ms flood',
        value: percentile(during, 0.5),
        unit: 'ms',
        ratio: percentile(during, 0.5) / p50,
        baseline: '/health p50 before',
      },
      {
        name: '/health max during the 100 ms flood',
        value: Math.max(...during),
        unit: 'ms',
        ratio: Math.max(...during) / p50,
        baseline: '/health p50 before',
      },
      { name: 'flood frames sent', value: sent, unit: 'frames' },
      { name: 'bytes the reading attacker received', value: mb(loud.bytesIn), unit: 'MB' },
      { name: 'reading attacker closed (close code, 0 = open)', value: loud.closeCode ?? 0, unit: '' },
    );
    loud.ws.terminate();
  } finally {
    await server.stop();
  }
  report('net-subscribe-flood', figures, {
    connections: CONNECTIONS,
    pairs: PAIRS,
    seconds: SECONDS,
    table: TABLE,
  });
}

await main();
