import { h } from './dom';

/** States of the connection as the banner shows them. */
export const CONNECTION_STATE = {
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  RECONNECTING: 'reconnecting',
  CLOSED: 'closed',
} as const;
/** One of {@link CONNECTION_STATE}. */
export type ConnectionState = (typeof CONNECTION_STATE)[keyof typeof CONNECTION_STATE];

/** A banner across the top while the connection is down: "Reconnecting... (attempt 3)". */
export class ConnectionBanner {
  readonly element = h('div', { class: 'banner', hidden: true, role: 'alert' });
  #state: ConnectionState = CONNECTION_STATE.CONNECTING;

  get state(): ConnectionState {
    return this.#state;
  }

  /** Shows the state; hidden when connected. */
  set(state: ConnectionState, detail = ''): void {
    this.#state = state;
    this.element.dataset.state = state;
    this.element.hidden = state === CONNECTION_STATE.CONNECTED;
    const text =
      state === CONNECTION_STATE.CONNECTING
        ? 'Connecting…'
        : state === CONNECTION_STATE.RECONNECTING
          ? 'Connection lost. Reconnecting…'
          : 'Disconnected.';
    this.element.replaceChildren(
      h('span', { class: 'spinner' }),
      text,
      detail === '' ? '' : h('small', {}, ` ${detail}`),
    );
  }
}
