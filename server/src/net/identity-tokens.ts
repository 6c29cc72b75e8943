import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIdentity, SERVER_IDENTITY, type Identity } from '../engine';

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
 * Creates a token issuer keyed by `secret`. Tokens carry no expiry: an identity is an account,
 * and rotating the secret is how all tokens are revoked.
 * @param secret HMAC key. @default 32 random bytes per process (tokens then do not survive a restart)
 * @example
 * const tokens = createTokenIssuer(process.env.TICKSPACE_SECRET);
 * const id = tokens.newIdentity();
 * tokens.verify(tokens.issue(id)) === id; // -> true
 */
export function createTokenIssuer(secret: string | Uint8Array = randomBytes(32)): TokenIssuer {
  if (secret.length === 0) throw new RangeError('tokenSecret must not be empty');
  const mac = (identity: string) => createHmac('sha256', secret).update(DOMAIN + identity).digest();
  return {
    newIdentity() {
      for (;;) {
        const id = randomBytes(16).toString('hex') as Identity;
        if (id !== SERVER_IDENTITY) return id;
      }
    },
    issue(identity) {
      return `${identity}.${mac(identity).toString('base64url')}`;
    },
    verify(token) {
      const dot = token.indexOf('.');
      if (dot !== 32) return undefined;
      const identity = token.slice(0, 32);
      if (!isIdentity(identity) || identity === SERVER_IDENTITY) return undefined;
      const given = Buffer.from(token.slice(33), 'base64url');
      const expected = mac(identity);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return identity;
    },
  };
}
