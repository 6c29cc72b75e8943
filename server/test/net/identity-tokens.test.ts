import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_TOKEN_SECRET_BYTES, createTokenIssuer } from '../../src/net';
import { TickspaceError } from '../../src/protocol';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Spellings of `token` that a lenient base64url decoder reads as the same signature bytes. */
function respellings(token: string): string[] {
  const [id, sig] = token.split('.') as [string, string];
  const last = BASE64URL.indexOf(sig.at(-1)!);
  // 32 bytes in 43 characters: the last character carries 2 bits that no byte uses.
  const samePadding = [1, 2, 3].map(
    (bits) => `${id}.${sig.slice(0, -1)}${BASE64URL[(last & ~3) | ((last & 3) ^ bits)]}`,
  );
  const variants = [
    ...samePadding,
    `${token}=`,
    `${token}==`,
    `${token}.`,
    `${token}.x`,
    `${token} `,
    `${token}\n`,
    `${id}.${sig.slice(0, 20)} ${sig.slice(20)}`,
    `${id}.${sig.slice(0, 20)}\t${sig.slice(20)}`,
    `${id}.${sig.slice(0, 20)}.${sig.slice(20)}`,
    `${id}.${sig.replaceAll('-', '+').replaceAll('_', '/')}`,
    `${id}.${Buffer.from(sig, 'base64url').toString('base64')}`,
  ];
  return variants.filter((v) => v !== token);
}

describe('identity tokens: only the canonical spelling verifies', () => {
  it('refuses every respelling of a valid token, for many identities', () => {
    const tokens = createTokenIssuer(randomBytes(32));
    let plusSlash = 0;
    for (let i = 0; i < 64; i++) {
      const id = tokens.newIdentity();
      const token = tokens.issue(id);
      expect(token).toMatch(/^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/);
      expect(tokens.verify(token)).toBe(id);
      if (/[-_]/.test(token.slice(33))) plusSlash++;
      for (const variant of respellings(token))
        expect({ variant, verified: tokens.verify(variant) }).toEqual({ variant, verified: undefined });
    }
    // The '+/' respelling was exercised, not only filtered away as identical.
    expect(plusSlash).toBeGreaterThan(0);
  });

  it('refuses wrong identities, truncations and other secrets', () => {
    const tokens = createTokenIssuer('a passphrase of at least thirty-two bytes');
    const id = tokens.newIdentity();
    const token = tokens.issue(id);
    expect(createTokenIssuer('another passphrase of thirty-two bytes').verify(token)).toBeUndefined();
    expect(tokens.verify(id.toUpperCase() + token.slice(32))).toBeUndefined();
    expect(tokens.verify(tokens.newIdentity() + token.slice(32))).toBeUndefined();
    expect(tokens.verify(token.slice(0, -1))).toBeUndefined();
    expect(tokens.verify(`${id}.`)).toBeUndefined();
    expect(tokens.verify(id)).toBeUndefined();
    expect(tokens.verify('')).toBeUndefined();
  });
});

describe('identity tokens: secret length', () => {
  it(`refuses a secret under ${MIN_TOKEN_SECRET_BYTES} bytes, strings counted in UTF-8 bytes`, () => {
    for (const secret of [
      '',
      'x',
      'x'.repeat(31),
      new Uint8Array(0),
      randomBytes(1),
      randomBytes(31),
      'é'.repeat(15) + 'a',
    ]) {
      let error: unknown;
      try {
        createTokenIssuer(secret);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TickspaceError);
      expect((error as TickspaceError).code).toBe('INVALID_ARGUMENT');
      expect((error as TickspaceError).message).toMatch(/tokenSecret is \d+ byte\(s\); it needs at least 32/);
    }
    for (const secret of ['x'.repeat(32), randomBytes(32), 'é'.repeat(16), randomBytes(64)]) {
      const tokens = createTokenIssuer(secret);
      const id = tokens.newIdentity();
      expect(tokens.verify(tokens.issue(id))).toBe(id);
    }
  });

  it('defaults to a fresh random secret per issuer', () => {
    const a = createTokenIssuer();
    const id = a.newIdentity();
    expect(a.verify(a.issue(id))).toBe(id);
    expect(createTokenIssuer().verify(a.issue(id))).toBeUndefined();
  });
});
