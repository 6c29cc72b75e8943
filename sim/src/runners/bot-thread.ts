/**
 * A bot thread of the threaded runner: builds the same seeded population as the main thread,
 * plays the members of its groups (a farm ring's accounts share one script, so one thread) on SDK
 * connections whose transport is a link to the main thread's session hub, with one content cache
 * of its own, and steps them when told (see bot-thread-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSharedRows } from '@tickspace/server/client';
import { createPopulation, type Member } from '../behaviour/population';
import { threadOf, type BotThreadData, type FromBotThread, type ToBotThread } from './bot-thread-protocol';
import { settle, subscribeContentSettled } from './in-process-runner';
import { LinkTransports } from './link-transport';
import { MemberSlots, openRunnerConnection } from './member-slots';

const data = workerData as BotThreadData;
const port = parentPort!;
const post = (m: FromBotThread) => port.postMessage(m);
const links = new LinkTransports(post);
const sharedRows = data.sharedRows ? createSharedRows() : undefined;
const all = createPopulation({
  mix: data.mix,
  seed: data.seed,
  ...(data.joinWindowMs !== undefined ? { joinWindowMs: data.joinWindowMs } : {}),
  ...(data.homeScale !== undefined ? { homeScale: data.homeScale } : {}),
  ...(data.traces !== undefined ? { traces: data.traces } : {}),
  ...(data.tierParams !== undefined ? { tierParams: data.tierParams } : {}),
  ...(data.varyParams !== undefined ? { varyParams: data.varyParams } : {}),
});
const mine: (Member | undefined)[] = all.map((m) =>
  threadOf(m.group, data.threads) === data.index ? m : undefined,
);
let now = 0;
const content = openRunnerConnection(links.transport(data.contentLink), '', sharedRows);
const slots = new MemberSlots({
  members: mine,
  open: (i) => openRunnerConnection(links.transport(i), data.tokens[i]!, sharedRows),
  content,
  now: () => now,
  radii: data.radii,
});

port.on('message', (m: ToBotThread) => {
  if (links.deliver(m)) return;
  switch (m.type) {
    case 'now':
      now = m.now;
      return;
    case 'setup':
      void subscribeContentSettled(content).then(() => post({ type: 'ready' }));
      return;
    case 'step':
      now = m.t;
      slots.step(m.t);
      // Whatever the wakes set going (SDK promises, listeners) runs before the step is done.
      void settle().then(() => post({ type: 'done', step: m.step }));
      return;
    case 'finish':
      slots.finish();
      content.close();
      void settle().then(() => post({ type: 'finished', sessionsClosed: slots.sessionsClosed }));
      return;
  }
});
