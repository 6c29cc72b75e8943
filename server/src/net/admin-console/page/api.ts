/** The page's link to the admin routes: the token from sessionStorage, sent as a bearer token. */

const TOKEN_KEY = 'tickspace.adminToken';

/** A refused admin request: HTTP status, the server's error code and message. */
export class AdminRequestError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'AdminRequestError';
    this.status = status;
    this.code = code;
  }
}

/** The token this tab signed in with (kept for the tab's life: sessionStorage, never localStorage). */
export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** Keeps (or with undefined forgets) the token. */
export function storeToken(token: string | undefined): void {
  if (token === undefined) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** Called when the server refuses the token (403): the app goes back to the sign-in form. */
let onRefused: (message: string) => void = () => {};
export function whenTokenRefused(handler: (message: string) => void): void {
  onRefused = handler;
}

/** Query parameters: undefined and '' are left out, arrays repeat the name. */
export type Params = Record<string, string | number | undefined | readonly string[]>;

function query(params: Params): string {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const v of value) q.append(name, v);
    else q.append(name, String(value));
  }
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Calls `/admin/<op>` with the stored token (or `token`) and returns its `result`.
 * @throws AdminRequestError with the server's code and message
 */
export async function admin<T>(
  op: string,
  params: Params = {},
  options: { method?: 'GET' | 'POST'; token?: string } = {},
): Promise<T> {
  const token = options.token ?? storedToken() ?? '';
  const res = await fetch(`/admin/${op}${query(params)}`, {
    method: options.method ?? 'GET',
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json().catch(() => ({}))) as {
    result?: T;
    error?: { code: string; message: string };
  };
  if (!res.ok) {
    const error = new AdminRequestError(
      res.status,
      body.error?.code ?? 'HTTP_' + res.status,
      body.error?.message ?? `${res.status} ${res.statusText}`,
    );
    if (res.status === 403 && options.token === undefined) onRefused(error.message);
    throw error;
  }
  return body.result as T;
}
