import { t } from '../engine';
import { requirePlayer } from './actions';
import { reject } from './errors';
import type { Ctx, FrontierRuntime } from './runtime';
import { frontierSchema } from './tables';
import { duration, inDuration } from './words';

/** Chat channels. */
export const CHAT_CHANNELS = { LOCAL: 'local', GLOBAL: 'global' } as const;

/** Name of the scheduled pruning reducer. */
export const CHAT_PRUNE = 'chat_prune';

// Control characters would let a message fake line breaks or terminal escapes in a client's log.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** How often pruning runs. */
export function chatPruneEveryMs(retentionMs: number): number {
  return Math.max(1000, Math.floor(retentionMs / 4));
}

/**
 * Chat: `say { channel, text }` stores a message at the sender's position. Local chat reaches
 * whoever subscribes to `chat_message` within `localChatRadiusTiles` of it (a spatial
 * subscription); global chat is subscribed by `channel = 'global'`. Messages and notices older
 * than `chatRetentionMs` are pruned by `chat_prune`, scheduled from init.
 */
export function createChatReducers(rt: FrontierRuntime) {
  const o = rt.options;

  /** `say { channel, text }`: rejects NOT_JOINED, UNKNOWN_CHANNEL, CHAT_EMPTY, CHAT_TOO_LONG, CHAT_RATE_LIMITED. */
  const say = frontierSchema.reducer(
    'say',
    { channel: t.string(), text: t.string() },
    (ctx, { channel, text }) => {
      const player = requirePlayer(ctx);
      if (channel !== CHAT_CHANNELS.LOCAL && channel !== CHAT_CHANNELS.GLOBAL)
        reject('UNKNOWN_CHANNEL', `chat channels are 'local' and 'global', not '${channel}'`, { channel });
      const clean = text.replace(CONTROL, ' ').trim();
      if (clean.length === 0) reject('CHAT_EMPTY', 'a chat message needs visible characters');
      const chars = [...clean].length;
      if (chars > o.maxChatChars)
        reject('CHAT_TOO_LONG', `a chat message has at most ${o.maxChatChars} characters, got ${chars}`, {
          chars,
        });
      const quota = ctx.db.chat_quota.find(player.identity);
      if (quota === undefined)
        ctx.db.chat_quota.insert({ identity: player.identity, windowStartMs: ctx.now, count: 1 });
      else if (ctx.now - quota.windowStartMs >= o.chatRateWindowMs)
        ctx.db.chat_quota.update({ ...quota, windowStartMs: ctx.now, count: 1 });
      else if (quota.count >= o.chatRateCount)
        reject(
          'CHAT_RATE_LIMITED',
          `at most ${o.chatRateCount} messages per ${duration(o.chatRateWindowMs)}; you may write again ${inDuration(quota.windowStartMs + o.chatRateWindowMs, ctx.now)}`,
          {
            retryInMs: quota.windowStartMs + o.chatRateWindowMs - ctx.now,
          },
        );
      else ctx.db.chat_quota.update({ ...quota, count: quota.count + 1 });
      ctx.db.chat_message.insert({
        sender: player.identity,
        senderName: player.name,
        channel,
        text: clean,
        x: player.x,
        y: player.y,
        sentMs: ctx.now,
      });
    },
  );

  /** `chat_prune {}` (internal, every `chatRetentionMs / 4`, at least 1 s): drops old messages and notices, then reschedules itself. */
  const chatPrune = frontierSchema.reducer(
    CHAT_PRUNE,
    {},
    (ctx: Ctx) => {
      ctx.schedule(CHAT_PRUNE, {}, { inMs: chatPruneEveryMs(o.chatRetentionMs) });
      const before = ctx.now - o.chatRetentionMs;
      for (const m of ctx.db.chat_message.range('by_sent', { lt: before })) ctx.db.chat_message.delete(m.id);
      for (const n of ctx.db.notice.range('by_sent', { lt: before })) ctx.db.notice.delete(n.id);
    },
    { internal: true },
  );

  return { say, chatPrune };
}
