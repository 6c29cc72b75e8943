import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createLoopbackTransport } from '@tickspace/server/net';
import type { ClientTransport, TransportFactory } from '@tickspace/server/protocol';
import { TickspaceError } from '@tickspace/server/protocol';
import { threadOf, type BotThreadData, type FromBotThread, type ToBotThread } from './bot-thread-protocol';
import { progressOf, settle, type InProcessOptions, type SimResult } from './in-process-runner';
import { createRunnerWorld, runResult } from './runner-world';

/** Options of {@link runThreaded}: the in-process runner's, less what needs the bots in this thread. */
export interface ThreadedOptions extends Omit<InProcessOptions, 'recordTo' | 'beforeClose'> {
  /** Bot threads. @default the machine's available parallelism */
  readonly threads?: number;
}

/** One held event of a link, handed to the hub at the next step boundary. */
type Held = Extract<FromBotThread, { link: number }>;

/**
 * Runs a population as {@link runInProcess} does (a real engine with Frontier, a real session hub,
 * every bot on its own SDK connection, logical time), with the bots spread over worker threads:
 * the engine and hub stay in this thread, each bot's transport is a link to it. Deterministic
 * whatever the threads' timing: everything a thread sends is held until every thread has finished
 * the step and is then handed to the hub in link order (member order), so the same seed gives the
 * same final state hash with any number of threads. Not the same hash as runInProcess: there a
 * bot's reaction to a result reaches the engine in delivery order, here in member order.
 * @throws TickspaceError INVALID_ARGUMENT for a thread count below 1.
 * @example
 * const result = await runThreaded({ mix: { human: 900, naive: 100 }, seed: 's1', minutes: 2, threads: 2 });
 */
export async function runThreaded(options: ThreadedOptions): Promise<SimResult> {
  const threads = options.threads ?? availableParallelism();
  if (!(Number.isInteger(threads) && threads >= 1))
    throw new TickspaceError('INVALID_ARGUMENT', `threads must be an integer >= 1, got ${threads}`, {
      details: { threads },
    });
  const world = await createRunnerWorld(options, threads);
  const { seed, totalMs, engine, database, members, hub, stats } = world;
  const population = {
    mix: options.mix,
    seed,
    joinWindowMs: options.joinWindowMs,
    homeScale: options.homeScale,
    traces: options.traces,
    tierParams: options.tierParams,
    varyParams: options.varyParams,
  };
  const loopback: TransportFactory = createLoopbackTransport(hub);
  const tokens = members.map((m) => hub.tokens.issue(m.identity));

  // Links: member i is link i; thread k's content cache is link members.length + k.
  const sockets = new Map<number, ClientTransport>();
  const threadOfLink = (link: number) =>
    link >= members.length ? link - members.length : threadOf(members[link]!.group, threads);
  const workers: Worker[] = [];
  const toThread = (link: number, m: ToBotThread) => workers[threadOfLink(link)]!.postMessage(m);
  const held: Held[][] = [];
  const apply = (e: Held) => {
    if (e.type === 'open') {
      sockets.get(e.link)?.close(1000, 'replaced');
      sockets.set(
        e.link,
        loopback({
          open: () => toThread(e.link, { type: 'opened', link: e.link }),
          message: (frame) => toThread(e.link, { type: 'frame', link: e.link, frame }),
          close: (code, reason) => {
            sockets.delete(e.link);
            toThread(e.link, { type: 'closed', link: e.link, code, reason });
          },
        }),
      );
    } else if (e.type === 'send') sockets.get(e.link)?.send(e.frame);
    else sockets.get(e.link)?.close(e.code, e.reason);
  };
  /** Hands every held event to the hub: link by link in order, each link's in the order sent. */
  const release = () => {
    const byLink = new Map<number, Held[]>();
    for (const list of held)
      for (const e of list) {
        let l = byLink.get(e.link);
        if (l === undefined) byLink.set(e.link, (l = []));
        l.push(e);
      }
    for (const list of held) list.length = 0;
    for (const link of [...byLink.keys()].sort((a, b) => a - b)) for (const e of byLink.get(link)!) apply(e);
  };
  let immediate = true;
  const waiting = new Map<string, { left: number; resolve: () => void; reject: (e: unknown) => void }>();
  let failure: unknown;
  let sessionsClosed = 0;
  const arrived = (kind: string) => {
    const w = waiting.get(kind);
    if (w !== undefined && --w.left === 0) {
      waiting.delete(kind);
      w.resolve();
    }
  };
  /** Posts `send` to every thread and resolves once each has answered `kind` (rejects if a thread failed). */
  const all = (kind: string, send: ToBotThread) =>
    new Promise<void>((resolve, reject) => {
      if (failure !== undefined) return reject(failure);
      waiting.set(kind, { left: threads, resolve, reject });
      for (const w of workers) w.postMessage(send);
    });
  for (let k = 0; k < threads; k++) {
    held.push([]);
    const data: BotThreadData = {
      index: k,
      threads,
      ...population,
      radii: options.radii,
      sharedRows: options.sharedRows !== false,
      tokens,
      contentLink: members.length + k,
    };
    const worker = new Worker(new URL('./bot-thread.mjs', import.meta.url), { workerData: data });
    worker.on('message', (m: FromBotThread) => {
      if (m.type === 'open' || m.type === 'send' || m.type === 'close') {
        // During set-up only content caches subscribe: nothing the engine logs depends on it.
        if (immediate) apply(m);
        else held[k]!.push(m);
      } else if (m.type === 'finished') {
        sessionsClosed += m.sessionsClosed;
        arrived('finished');
      } else arrived(m.type);
    });
    worker.on('error', (error) => {
      failure ??= new TickspaceError('INTERNAL', `bot thread ${k} failed: ${error.message}`, {
        details: { thread: k },
      });
      for (const w of waiting.values()) w.reject(failure);
      waiting.clear();
    });
    workers.push(worker);
  }

  engine.runTick();
  await engine.flush();
  await all('ready', { type: 'setup' });
  immediate = false;

  const started = performance.now();
  const progressEvery = options.progressEveryMs ?? 30_000;
  const progressWall = options.progressWallMs ?? 10_000;
  let nextProgress = progressEvery;
  let nextProgressWall = performance.now() + progressWall;
  let step = 0;
  try {
    while (engine.now < totalMs) {
      await all('done', { type: 'step', step: step++, t: engine.now });
      release();
      await settle();
      await options.beforeTick?.(engine, database);
      engine.runTick();
      for (const w of workers) w.postMessage({ type: 'now', now: engine.now } satisfies ToBotThread);
      if (database !== undefined) await engine.flush();
      await settle();
      if (
        options.onProgress !== undefined &&
        (engine.now >= nextProgress || performance.now() >= nextProgressWall)
      ) {
        nextProgress = engine.now + progressEvery;
        nextProgressWall = performance.now() + progressWall;
        options.onProgress(progressOf(engine.now, totalMs, stats.totals, started, sockets.size - threads));
      }
    }
    await engine.flush();
    const wallMs = performance.now() - started;
    await settle();
    await all('finished', { type: 'finish' });
    release();
    await settle();
    hub.close();
    await database?.close();
    return runResult(world, wallMs, sessionsClosed);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
