import { admin } from './api';
import { h, replace } from './dom';
import type { SessionsAnswer } from './types';

/** Every open connection (`/admin/sessions`). */
export function createSessionsView() {
  const summary = h('div', { class: 'muted', 'data-testid': 'sessions-summary' });
  const body = h('tbody', {});
  const el = h(
    'div',
    { class: 'panel' },
    h('h2', {}, 'Connected sessions'),
    summary,
    h(
      'table',
      { class: 'grid', 'data-testid': 'sessions-table' },
      h(
        'thead',
        {},
        h('tr', {}, ...['identity', 'protocol', 'address', 'queued bytes'].map((c) => h('th', {}, c))),
      ),
      body,
    ),
  );
  return {
    el,
    async refresh(): Promise<void> {
      const answer = await admin<SessionsAnswer>('sessions');
      summary.textContent = `${answer.clients} client(s), ${answer.connections} connection(s) at tick ${answer.tick}`;
      replace(
        body,
        ...answer.sessions.map((s) =>
          h(
            'tr',
            {},
            h('td', { class: 'mono' }, s.identity ?? '(handshake)'),
            h('td', {}, `v${s.protocolVersion}`),
            h('td', {}, s.remoteAddress),
            h('td', {}, s.bufferedBytes),
          ),
        ),
      );
    },
  };
}
