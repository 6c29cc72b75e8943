import { IDENTITY_PATTERN, type Identity } from '../protocol/column-kinds';

/** A player or server identity: 32 lowercase hex characters (16 bytes). The `identity` column kind's value type. */
export type { Identity };

/** The identity that scheduled and lifecycle calls run as. */
export const SERVER_IDENTITY = '00000000000000000000000000000000' as Identity;

/** True if `value` is a well-formed identity. */
export function isIdentity(value: unknown): value is Identity {
  return typeof value === 'string' && IDENTITY_PATTERN.test(value);
}

/**
 * Brands a string as an {@link Identity}.
 * @throws TypeError if the string is not 32 lowercase hex characters.
 */
export function toIdentity(value: string): Identity {
  if (!isIdentity(value))
    throw new TypeError(`not an identity (32 lowercase hex characters): ${JSON.stringify(value)}`);
  return value;
}
