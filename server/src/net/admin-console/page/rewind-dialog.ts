import { AdminRequestError, admin } from './api';
import { h, replace } from './dom';
import type { RewindAnswer } from './types';

/** The undo of a rewind committed in tick `rewindTick`: rewinding to the tick just before it. */
function undoCommands(undoTick: number | string): string {
  return (
    `curl -X POST -H "Authorization: Bearer $TICKSPACE_ADMIN_TOKEN" '${location.origin}/admin/rewind?tick=${undoTick}'\n` +
    `# or, with the server stopped: tickspace rewind ${undoTick} --data <data directory>`
  );
}

/**
 * Asks before rewinding the live world to `target`, showing what the rewind does and the command
 * that undoes it; runs `POST /admin/rewind` on confirmation; then shows the exact undo command and
 * offers to run it. `done` is told after a rewind (or an undo) has committed.
 */
export function openRewindDialog(target: number, currentTick: number, done: () => void): void {
  const dialog = h('dialog', { 'data-testid': 'rewind-dialog' });
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  const status = h('div', { class: 'error', 'data-testid': 'rewind-error' });
  const run = (tick: number, then: (r: RewindAnswer) => void) => {
    status.textContent = 'Rewinding…';
    admin<RewindAnswer>('rewind', { tick }, { method: 'POST' }).then(
      (r) => {
        status.textContent = '';
        then(r);
        done();
      },
      (error: unknown) => {
        status.textContent = `The rewind failed: ${error instanceof AdminRequestError ? `${error.code}: ` : ''}${(error as Error).message}`;
      },
    );
  };
  const showResult = (r: RewindAnswer, undone: boolean) =>
    replace(
      dialog,
      h('h2', {}, undone ? 'Rewind undone' : `Rewound to tick ${r.target}`),
      h(
        'p',
        { 'data-testid': 'rewind-result' },
        `The world now holds the state of tick ${r.target}, committed as new tick ${r.tick}: ${r.inserted} row(s) inserted, ${r.updated} updated, ${r.deleted} deleted (state hash ${r.stateHash}).`,
      ),
      h('p', {}, `Undo with (rewinds to tick ${r.tick - 1}, the state just before this rewind):`),
      h('pre', { 'data-testid': 'rewind-undo-command' }, undoCommands(r.tick - 1)),
      status,
      h(
        'div',
        { class: 'toolbar' },
        h(
          'button',
          {
            class: 'danger',
            'data-testid': 'rewind-undo',
            onclick: () => run(r.tick - 1, (u) => showResult(u, true)),
          },
          `Undo now (rewind to tick ${r.tick - 1})`,
        ),
        h('button', { 'data-testid': 'rewind-close', onclick: close }, 'Close'),
      ),
    );
  replace(
    dialog,
    h('h2', {}, `Rewind the live world to tick ${target}?`),
    h(
      'p',
      {},
      `Every table is set back to what it held at tick ${target}, in one new tick after the current tick ${currentTick} (logged as a __rewind call, sent to every connected client). History is kept: nothing after tick ${target} is deleted, and the rewind can itself be undone.`,
    ),
    h(
      'p',
      {},
      'Undo: rewind to the tick just before the rewind’s own tick R (that state is today’s world). R is shown once the rewind has run; the command is:',
    ),
    h('pre', { 'data-testid': 'rewind-undo-preview' }, undoCommands('<R - 1>')),
    status,
    h(
      'div',
      { class: 'toolbar' },
      h('button', { 'data-testid': 'rewind-cancel', onclick: close }, 'Cancel'),
      h(
        'button',
        {
          class: 'danger',
          'data-testid': 'rewind-confirm',
          onclick: () => run(target, (r) => showResult(r, false)),
        },
        `Rewind to tick ${target}`,
      ),
    ),
  );
  document.body.append(dialog);
  dialog.showModal();
}
