import type { ClientState } from './client-view';

interface Outgoing {
  readonly tick: number;
  readonly client: ClientState;
  readonly frame: Uint8Array;
}

/**
 * The subscriptions' frames on their way to the clients, in order: a tick's frames wait for its
 * fan-out, and a frame made while a tick is being made durable (a SUBSCRIBED, a RESET) waits
 * behind that tick's frames, so a client never sees state out of order.
 */
export class Outbox {
  /** The last tick whose frames have been handed to the sinks. */
  fannedOut: number;
  framesSent = 0;
  bytesSent = 0;
  readonly #waiting: Outgoing[] = [];

  constructor(tick: number) {
    this.fannedOut = tick;
  }

  /** Sends now if every committed tick has been fanned out; otherwise after the current tick's frames. */
  deliver(tick: number, client: ClientState, frame: Uint8Array): void {
    if (this.#waiting.length === 0 && this.fannedOut >= tick) this.#send(client, frame);
    else this.queue(tick, client, frame);
  }

  /** Queues a frame of `tick` for that tick's fan-out. */
  queue(tick: number, client: ClientState, frame: Uint8Array): void {
    client.queuedBytes += frame.length;
    this.#waiting.push({ tick, client, frame });
  }

  /** Hands the frames of ticks up to `tick` to their sinks. */
  flush(tick: number): void {
    const box = this.#waiting;
    let i = 0;
    while (i < box.length && box[i]!.tick <= tick) {
      const out = box[i]!;
      out.client.queuedBytes -= out.frame.length;
      this.#send(out.client, out.frame);
      i++;
    }
    box.splice(0, i);
    this.fannedOut = tick;
  }

  #send(client: ClientState, frame: Uint8Array): void {
    if (client.removed) return;
    this.framesSent++;
    this.bytesSent += frame.length;
    client.sink.send(frame);
  }
}
