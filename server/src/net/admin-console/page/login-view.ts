import { AdminRequestError, admin, storeToken } from './api';
import { h, replace } from './dom';

/**
 * The sign-in form: the admin token is checked against `/admin/tables` before it is kept, so a
 * wrong token is said so here and never stored.
 */
export function showLogin(root: HTMLElement, notice: string | undefined, signedIn: () => void): void {
  const input = h('input', {
    type: 'password',
    name: 'token',
    placeholder: 'admin token',
    autocomplete: 'off',
  });
  const message = h('div', { class: 'error', 'data-testid': 'login-error' }, notice ?? '');
  const form = h(
    'form',
    {
      class: 'login',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (token === '') return void (message.textContent = 'Enter the admin token.');
        message.textContent = 'Checking…';
        admin('tables', {}, { token }).then(
          () => {
            storeToken(token);
            signedIn();
          },
          (error: unknown) => {
            message.textContent =
              error instanceof AdminRequestError && error.status === 403
                ? `Wrong admin token: the server refused it (${error.message}).`
                : `Could not sign in: ${(error as Error).message}`;
          },
        );
      },
    },
    h('h2', {}, 'Tickspace admin console'),
    h(
      'p',
      { class: 'muted' },
      'Enter the server’s admin token (tickspace serve prints it at start and keeps it in the data directory’s admin-token file). It is kept for this tab only.',
    ),
    input,
    h('button', { class: 'primary', type: 'submit' }, 'Sign in'),
    message,
  );
  replace(root, form);
  input.focus();
}
