import { describe, expect, it } from 'vitest';
import { createWorld, who } from './helpers';

describe('say', () => {
  it('stores local messages at the sender position and global ones by channel', async () => {
    const w = await createWorld();
    const id = w.join(1, 'Ann');
    w.ok(id, 'say', { channel: 'local', text: '  hello there  ' });
    w.ok(id, 'say', { channel: 'global', text: 'hi all' });
    const p = w.player(id);
    const near = w.db.chat_message.withinRadius(p.x, p.y, w.frontier.options.localChatRadiusTiles);
    expect(near.map((m) => [m.channel, m.text, m.senderName])).toEqual([
      ['local', 'hello there', 'Ann'],
      ['global', 'hi all', 'Ann'],
    ]);
    expect(w.db.chat_message.withinRadius(p.x + 100, p.y, w.frontier.options.localChatRadiusTiles)).toEqual(
      [],
    );
    expect(w.db.chat_message.filter('by_channel', 'global')).toHaveLength(1);
  });

  it('replaces control characters', async () => {
    const w = await createWorld();
    const id = w.join(1);
    w.ok(id, 'say', { channel: 'local', text: 'a\u0007b\nc' });
    expect(w.db.chat_message.iter()[0]!.text).toBe('a b c');
  });

  it('rejects NOT_JOINED, UNKNOWN_CHANNEL and CHAT_EMPTY', async () => {
    const w = await createWorld();
    const id = w.join(1);
    w.rejects(who(4), 'say', { channel: 'local', text: 'hi' }, 'NOT_JOINED');
    w.rejects(id, 'say', { channel: 'team', text: 'hi' }, 'UNKNOWN_CHANNEL');
    w.rejects(id, 'say', { channel: 'local', text: ' \n\t ' }, 'CHAT_EMPTY');
  });

  it('enforces maxChatChars (code points): at the limit passes, one over fails with CHAT_TOO_LONG', async () => {
    const w = await createWorld({ seed: 'test-world', worldTiles: 512, maxChatChars: 10 });
    const id = w.join(1);
    w.ok(id, 'say', { channel: 'local', text: '😀'.repeat(10) });
    w.rejects(id, 'say', { channel: 'local', text: 'x'.repeat(11) }, 'CHAT_TOO_LONG');
  });

  it('enforces chatRateCount per chatRateWindowMs with CHAT_RATE_LIMITED, then recovers', async () => {
    const w = await createWorld({
      seed: 'test-world',
      worldTiles: 512,
      chatRateCount: 3,
      chatRateWindowMs: 2000,
    });
    const id = w.join(1);
    for (let i = 0; i < 3; i++) w.ok(id, 'say', { channel: 'global', text: `m${i}` });
    expect(w.rejects(id, 'say', { channel: 'global', text: 'one too many' }, 'CHAT_RATE_LIMITED')).toMatch(
      /^at most 3 messages per 2 s; you may write again in \d+(\.\d)? s$/,
    );
    w.wait(2000);
    w.ok(id, 'say', { channel: 'global', text: 'again' });
  });

  it('prunes messages older than chatRetentionMs', async () => {
    const w = await createWorld({ seed: 'test-world', worldTiles: 512, chatRetentionMs: 4000 });
    const id = w.join(1);
    w.ok(id, 'say', { channel: 'global', text: 'old' });
    w.wait(2000);
    w.ok(id, 'say', { channel: 'global', text: 'new' });
    w.wait(3500);
    expect(w.db.chat_message.iter().map((m) => m.text)).toEqual(['new']);
    w.wait(5000);
    expect(w.db.chat_message.count()).toBe(0);
  });
});
