/** What the browser remembers between visits. */
export interface StoredSession {
  /** Identity token: reconnecting with it resumes the same player. */
  readonly token: string;
  /** The last name used here (pre-fills the prompt). */
  readonly name: string;
}

/** localStorage keys, versioned so that a format change does not read old values wrongly. */
const STORAGE_KEYS = {
  TOKEN: 'tickspace.frontier.token.v1',
  NAME: 'tickspace.frontier.name.v1',
  ADMIN: 'tickspace.frontier.admin.v1',
} as const;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Storage can be disabled (privacy settings, sandboxed frames): play without remembering.
    return undefined;
  }
}

/** Reads the stored session (empty strings when none). */
export function loadSession(): StoredSession {
  const s = storage();
  return { token: s?.getItem(STORAGE_KEYS.TOKEN) ?? '', name: s?.getItem(STORAGE_KEYS.NAME) ?? '' };
}

/** Stores the token and, when given, the name. */
export function saveSession(token: string, name?: string): void {
  const s = storage();
  if (s === undefined) return;
  s.setItem(STORAGE_KEYS.TOKEN, token);
  if (name !== undefined) s.setItem(STORAGE_KEYS.NAME, name);
}

/** Forgets the token (it was refused), keeping the name. */
export function forgetToken(): void {
  storage()?.removeItem(STORAGE_KEYS.TOKEN);
}

/** The admin token for the time-travel viewer, from `#admin=<token>` in the URL or storage. */
export function adminToken(): string {
  const fromHash = new URLSearchParams(globalThis.location?.hash.slice(1) ?? '').get('admin');
  if (fromHash !== null && fromHash !== '') {
    storage()?.setItem(STORAGE_KEYS.ADMIN, fromHash);
    return fromHash;
  }
  return storage()?.getItem(STORAGE_KEYS.ADMIN) ?? '';
}

/** Stores the admin token typed into the viewer. */
export function saveAdminToken(token: string): void {
  storage()?.setItem(STORAGE_KEYS.ADMIN, token);
}
