import { TickspaceError } from '../../protocol';

/**
 * Reads the query parameters of one admin console route. Every refusal is INVALID_ARGUMENT (400)
 * naming the route, the parameter, what it must be and what was sent; a parameter the route does
 * not know is refused too, so a misspelt `?reduer=` never looks like "no filter".
 */
export class QueryParams {
  readonly #url: URL;
  readonly #route: string;

  constructor(url: URL, route: string, known: readonly string[]) {
    this.#url = url;
    this.#route = route;
    for (const name of new Set(url.searchParams.keys()))
      if (!known.includes(name))
        throw this.error(name, `is not a parameter of ${route} (it takes ${known.join(', ') || 'none'})`);
  }

  /** The error for parameter `name`. */
  error(name: string, why: string): TickspaceError {
    return new TickspaceError('INVALID_ARGUMENT', `${this.#route}: query parameter '${name}' ${why}`, {
      details: { parameter: name },
    });
  }

  /** The one value of `name`, or undefined; a parameter given twice is refused. */
  string(name: string): string | undefined {
    const all = this.#url.searchParams.getAll(name);
    if (all.length > 1) throw this.error(name, `is given ${all.length} times, once at most`);
    return all[0];
  }

  /** Every value of a repeatable parameter. */
  all(name: string): string[] {
    return this.#url.searchParams.getAll(name);
  }

  /** A required, non-empty string. */
  required(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw this.error(name, 'is required');
    return value;
  }

  /**
   * A whole number >= 0 (digits only: `Number('')` is 0, and `?tick=` must not mean tick 0), at
   * most `max` when given; `limitName` names the option that sets the maximum.
   */
  integer(
    name: string,
    options: { max?: number; limitName?: string; min?: number } = {},
  ): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n)) throw this.error(name, `must be a whole number >= 0, got '${raw}'`);
    if (options.min !== undefined && n < options.min)
      throw this.error(name, `must be at least ${options.min}, got ${n}`);
    if (options.max !== undefined && n > options.max)
      throw this.error(
        name,
        `is ${n}, over the limit of ${options.max}${options.limitName === undefined ? '' : ` (${options.limitName})`}`,
      );
    return n;
  }

  /** One of `choices`, or undefined. */
  choice<C extends string>(name: string, choices: readonly C[]): C | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!(choices as readonly string[]).includes(raw))
      throw this.error(name, `must be one of ${choices.join(', ')}, got '${raw}'`);
    return raw as C;
  }
}
