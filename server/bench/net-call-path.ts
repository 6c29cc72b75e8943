/**
 * CPU per reducer call on the network call path, without sockets: CALL frames (in BATCHes of 64,
 * as the SDK corks them) go through `Session.receive` (decode, rate limits, enqueue), the tick runs
 * the keynote `transfer` reducer, and the results go back through the session's cork to an
 * in-process connection. Two figures: the receive side alone (what a session spends before the
 * tick) and the whole round (receive + tick + results), both in CPU microseconds per call. The
 * baseline, measured in the same run: the same calls queued in-process by name
 * (`engine.enqueue`, which validates), and the same ticks.
 *
 *   npx tsx server/bench/net-call-path.ts [rounds]
 */
import { keynoteModule } from './keynote-module';
import { randomBytes } from 'node:crypto';
import { createEngine, type Engine, type ModuleDef } from '../src/engine';
import { describeSchema } from '../src/engine/tooling';
import { createSessionHub } from '../src/net';
import {
  CLIENT_MESSAGE,
  compileWireSchema,
  encodeBatch,
  encodeCall,
  encodeConnect,
  type ServerConnection,
} from '../src/protocol';
import { percentile, report } from './harness';

const ACCOUNTS = 10_000;
const CALLS_PER_BATCH = 64;
const BATCHES_PER_TICK = 32;
const TICKS_PER_ROUND = 40;

function transferModule() {
  return keynoteModule(ACCOUNTS);
}

const engine = createEngine({ module: transferModule(), seed: 'bench' }) as unknown as Engine<ModuleDef>;
engine.runTick();
const many = Number.MAX_SAFE_INTEGER;
const hub = createSessionHub({
  engine,
  tokenSecret: randomBytes(32),
  limits: { callsPerSecond: many, callBurst: many, maxPendingCalls: many, maxRateLimitedCalls: many },
});
let bytesOut = 0;
const conn: ServerConnection = {
  send: (frame) => {
    bytesOut += frame.length;
  },
  close: () => {},
  bufferedAmount: 0,
  remoteAddress: 'bench',
  inProcess: true,
};
const session = hub.accept(conn);
session.receive(encodeConnect(2, ''));
engine.runTick();

const wire = compileWireSchema(describeSchema(engine));
const batches: Uint8Array[] = [];
const inProcess: Record<string, unknown>[] = [];
for (let b = 0; b < BATCHES_PER_TICK; b++) {
  const calls: Uint8Array[] = [];
  for (let i = 0; i < CALLS_PER_BATCH; i++) {
    const n = b * CALLS_PER_BATCH + i;
    const args = { from: (n * 7919) % ACCOUNTS, to: (n * 104_729 + 1) % ACCOUNTS, amount: 1n };
    calls.push(encodeCall(wire, n, 'transfer', args));
    inProcess.push(args);
  }
  batches.push(encodeBatch(CLIENT_MESSAGE.BATCH, calls));
}
const sender = session.identity!;
const callsPerTick = CALLS_PER_BATCH * BATCHES_PER_TICK;

/** CPU microseconds (user + system) since `start`. */
const cpuSince = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start);
  return d.user + d.system;
};

/** One round: TICKS_PER_ROUND ticks of callsPerTick calls; returns CPU µs per call for receive and for the whole round. */
async function round(): Promise<{ receiveUs: number; totalUs: number }> {
  let receiveCpu = 0;
  const start = process.cpuUsage();
  for (let tick = 0; tick < TICKS_PER_ROUND; tick++) {
    const r = process.cpuUsage();
    for (let b = 0; b < batches.length; b++) session.receive(batches[b]!);
    receiveCpu += cpuSince(r);
    engine.runTick();
    // The results leave in the hub's microtask flush.
    await Promise.resolve();
  }
  const calls = TICKS_PER_ROUND * callsPerTick;
  return { receiveUs: receiveCpu / calls, totalUs: cpuSince(start) / calls };
}

/** The baseline round: the same calls queued in-process by name, with a result callback each. */
function inProcessRound(): { enqueueUs: number; totalUs: number } {
  let enqueueCpu = 0;
  let results = 0;
  const onResult = () => void results++;
  const start = process.cpuUsage();
  for (let tick = 0; tick < TICKS_PER_ROUND; tick++) {
    const r = process.cpuUsage();
    for (let i = 0; i < inProcess.length; i++) engine.enqueue(sender, 'transfer', inProcess[i], onResult);
    enqueueCpu += cpuSince(r);
    engine.runTick();
  }
  const calls = TICKS_PER_ROUND * callsPerTick;
  if (results !== calls) throw new Error(`${results} results for ${calls} calls`);
  return { enqueueUs: enqueueCpu / calls, totalUs: cpuSince(start) / calls };
}

const rounds = Number(process.argv[2] ?? 15);
await round(); // warm-up: JIT and allocation
inProcessRound();
const receive: number[] = [];
const total: number[] = [];
const enqueue: number[] = [];
const inProcessTotal: number[] = [];
for (let i = 0; i < rounds; i++) {
  const r = await round();
  receive.push(r.receiveUs);
  total.push(r.totalUs);
  const b = inProcessRound();
  enqueue.push(b.enqueueUs);
  inProcessTotal.push(b.totalUs);
}
const median = (xs: number[]) => percentile(xs, 0.5);
const baseline = 'in-process enqueue(name)';
if (bytesOut === 0) throw new Error('no result reached the connection: the bench measured nothing');
report(
  'net-call-path',
  [
    {
      name: 'receive (decode + enqueue), median',
      value: median(receive),
      unit: 'CPU µs/call',
      ratio: median(receive) / median(enqueue),
      baseline,
    },
    { name: 'receive, p10', value: percentile(receive, 0.1), unit: 'CPU µs/call' },
    {
      name: 'call round (receive + tick + results), median',
      value: median(total),
      unit: 'CPU µs/call',
      ratio: median(total) / median(inProcessTotal),
      baseline: `${baseline} + tick`,
    },
    { name: 'call round, p10', value: percentile(total, 0.1), unit: 'CPU µs/call' },
    { name: `${baseline}, median`, value: median(enqueue), unit: 'CPU µs/call' },
    { name: `${baseline} + tick, median`, value: median(inProcessTotal), unit: 'CPU µs/call' },
  ],
  { rounds, callsPerTick, ticksPerRound: TICKS_PER_ROUND, accounts: ACCOUNTS },
);
