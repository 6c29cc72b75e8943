import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIdentity, SERVER_IDENTITY, type Identity } from '../engine';
import { TickspaceError } from '../protocol';

/** Issues and verifies identity tokens: `<identity>.<base64url HMAC-SHA256>`. */
export interface TokenIssuer {
  /** A fresh random identity (never the server identity). */
  newIdentity(): Identity;
  /** The token that proves `identity`. */
  issue(identity: Identity): string;
  /** The identity a token proves, or undefined if it does not verify. */
  verify(token: string): Identity | undefined;
}

const DOMAIN = 'tickspace-identity-v1:';

/**
 * The shortest token secret accepted, bytes (a string counts its UTF-8 bytes). The HMAC key is all
 * that stands between a player and every other identity: a short one is found offline from a single
 * token. 32 random bytes is SHA-256's own strength.
 */
export const MIN_TOKEN_SECRET_BYTES = 32;

/**
 * Creates a token issuer keyed by `secret`. Tokens carry no expiry: an identity is an account,
 * and rotating the secret is how all tokens are revoked. Only the canonical spelling of a token
 * verifies (unpadded base64url, exactly as {@link TokenIssuer.issue} writes it): a token is a
 * string compared as such, never a family of strings that decode alike.
 * @param secret HMAC key, at least {@link MIN_TOKEN_SECRET_BYTES} bytes. @default 32 random bytes per process (tokens then do not survive a restart)
 * @throws TickspaceError INVALID_ARGUMENT when the secret is shorter than {@link MIN_TOKEN_SECRET_BYTES}.
 * @example
 * const tokens = createTokenIssuer(randomBytes(32));
 * const id = tokens.newIdentity();
 * tokens.verify(tokens.issue(id)) === id; // -> true
 */
export function createTokenIssuer(secret: string | Uint8Array = randomBytes(32)): TokenIssuer {
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret, 'utf8') : secret.byteLength;
  if (bytes < MIN_TOKEN_SECRET_BYTES)
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `tokenSecret is ${bytes} byte(s); it needs at least ${MIN_TOKEN_SECRET_BYTES} (e.g. randomBytes(${MIN_TOKEN_SECRET_BYTES})), or tokens can be forged offline`,
      { details: { bytes, minBytes: MIN_TOKEN_SECRET_BYTES } },
    );
  const mac = (identity: string) =>
    createHmac('sha256', secret)
      .update(DOMAIN + identity)
      .digest();
  const signature = (identity: string) => Buffer.from(mac(identity).toString('base64url'), 'latin1');
  return {
    newIdentity() {
      for (;;) {
        const id = randomBytes(16).toString('hex') as Identity;
        if (id !== SERVER_IDENTITY) return id;
      }
    },
    issue(identity) {
      return `${identity}.${signature(identity).toString('latin1')}`;
    },
    verify(token) {
      if (token.indexOf('.') !== 32) return undefined;
      const identity = token.slice(0, 32);
      if (!isIdentity(identity) || identity === SERVER_IDENTITY) return undefined;
      // The text itself is compared with the canonical encoding: decoding first would accept padding,
      // stray bits in the last character, '+/' and whatever else a lenient base64 decoder skips.
      const given = Buffer.from(token.slice(33), 'utf8');
      const expected = signature(identity);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return identity;
    },
  };
}
