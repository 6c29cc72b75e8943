/**
 * Worker-thread entry of the networked runner: builds the same seeded population as the parent,
 * keeps every `workers`-th group of members, runs them as a {@link startBotSwarm} against the URL, and posts
 * its counters every `reportEveryMs` and once at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createPopulation } from '../behaviour/population';
import { startBotSwarm } from './bot-swarm';
import type { WorkerData, WorkerMessage } from './networked-runner';

const data = workerData as WorkerData;
const all = createPopulation({
  mix: data.mix,
  seed: data.seed,
  joinWindowMs: data.joinWindowMs,
  traces: data.traces,
});
// By group: the accounts one script runs (a farm ring) share its memory, so they share a thread.
const members = all.filter((m) => m.group % data.workers === data.index);
const clock = () => Date.now() - data.epochMs;
const swarm = await startBotSwarm({ url: data.url, members, clock, radii: data.radii });
const post = (final: boolean) =>
  parentPort!.postMessage({ index: data.index, final, stats: swarm.stats() } satisfies WorkerMessage);
const report = setInterval(() => post(false), data.reportEveryMs);
const stop = async () => {
  clearInterval(report);
  post(true);
  await swarm.stop();
  setTimeout(() => process.exit(0), 50).unref();
};
parentPort!.on('message', (m: { stop?: boolean }) => {
  if (m.stop === true) void stop();
});
setTimeout(() => void stop(), Math.max(0, data.epochMs + data.durationMs - Date.now()));
