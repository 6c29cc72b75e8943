import type { ClientTransport, TransportFactory, TransportEvents } from '@tickspace/server/protocol';
import type { FromBotThread, ToBotThread } from './bot-thread-protocol';

/**
 * A bot thread's side of its links: one SDK transport per link id, whose frames and closes are
 * posted to the main thread (where a loopback transport to the session hub carries them on), and
 * whose server events arrive as messages. In order, like the loopback transport.
 */
export class LinkTransports {
  readonly #post: (m: FromBotThread) => void;
  readonly #events = new Map<number, TransportEvents>();

  constructor(post: (m: FromBotThread) => void) {
    this.#post = post;
  }

  /** The transport of link `link`: each connection attempt opens the link again. */
  transport(link: number): TransportFactory {
    return (events) => {
      this.#events.set(link, events);
      this.#post({ type: 'open', link });
      let open = true;
      const client: ClientTransport = {
        send: (frame) => {
          if (open) this.#post({ type: 'send', link, frame });
        },
        close: (code = 1000, reason = '') => {
          if (!open) return;
          open = false;
          this.#post({ type: 'close', link, code, reason });
        },
        get bufferedAmount() {
          return 0;
        },
      };
      return client;
    };
  }

  /** Hands a message from the main thread to its link's connection; true if it was a link event. */
  deliver(m: ToBotThread): boolean {
    if (m.type !== 'opened' && m.type !== 'frame' && m.type !== 'closed') return false;
    const events = this.#events.get(m.link);
    if (events === undefined) return true;
    if (m.type === 'opened') events.open();
    else if (m.type === 'frame') events.message(m.frame);
    else {
      this.#events.delete(m.link);
      events.close(m.code, m.reason);
    }
    return true;
  }
}
