/**
 * The request target of an HTTP request line, parsed without trusting it.
 *
 * `new URL(target, base)` reads a target that starts with `//` as a network-path reference
 * (`//host:port/path`), so `GET //[`, `GET //x:99999` or `GET //a%zz` throws, and `GET //health`
 * would quietly mean host `health`, path `/`. The rules here:
 * - origin form (`/path?query`, not `//`): appended to a fixed origin, where it can only be a path,
 *   a query and a fragment; a `%` in the path must start a two-digit hex escape;
 * - absolute form (`http://host/path`, which HTTP/1.1 servers must accept): http, https, ws or wss;
 * - anything else (`//...`, `*`, a bare word) is refused.
 */

const ORIGIN = 'http://localhost';
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;

/** The path and query of a request, or undefined when the target is not one this server answers (answer 400). */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  if (target === undefined || !target.startsWith('/')) return parseAbsolute(target);
  if (target.startsWith('//')) return undefined;
  const end = target.search(/[?#]/);
  if (BAD_ESCAPE.test(end < 0 ? target : target.slice(0, end))) return undefined;
  try {
    return new URL(ORIGIN + target);
  } catch {
    return undefined;
  }
}

function parseAbsolute(target: string | undefined): URL | undefined {
  if (target === undefined) return undefined;
  try {
    const url = new URL(target);
    return url.protocol === 'http:' ||
      url.protocol === 'https:' ||
      url.protocol === 'ws:' ||
      url.protocol === 'wss:'
      ? url
      : undefined;
  } catch {
    return undefined;
  }
}
