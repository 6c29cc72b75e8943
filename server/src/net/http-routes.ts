import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TickspaceError } from '../protocol';
import type { ConsoleHistory } from './admin-console/console-context';
import type { ConsoleLimits } from './admin-console/console-limits';
import { consoleLimits } from './admin-console/console-limits';
import { isConsolePage, serveConsolePage } from './admin-console/console-page';
import { CONSOLE_ROUTE_NAMES, consoleRoute } from './admin-console/console-routes';
import { parseRequestTarget } from './request-target';
import type { SessionHub } from './session-hub';
import { serveStatic } from './static-files';

/**
 * Admin operations the server exposes behind the admin token. The commit log provides them; an
 * operation left out answers 501 NOT_IMPLEMENTED.
 */
export interface AdminHandlers {
  /** Takes a snapshot now; returns a description (path, tick...). */
  snapshot?(): unknown;
  /** Rewinds the live world to `tick`. The engine's restore event resynchronises every subscriber. */
  rewind?(tick: number): unknown;
  /** Reads a table, optionally as of a past tick. */
  inspect?(table: string, asOfTick: number | undefined): unknown;
  /**
   * Publishes a module version (the request body: a module file's text or a bundle) into the
   * running server, swapped in at a tick boundary; resolves once the swap's tick has committed.
   * `exportName` is the `?export=` parameter. A TickspaceError answers 400 (409 for
   * SCHEMA_MISMATCH) with its code and message.
   */
  publish?(source: string, exportName: string | undefined): Promise<unknown>;
  /** The admin console's commit log (a `Database`) and read limits; see admin-console/. */
  readonly console?: { readonly history?: ConsoleHistory; readonly limits?: Partial<ConsoleLimits> };
  /** A publish body larger than this is refused with 413 before it is read whole. @default 4 MiB */
  readonly maxPublishBytes?: number;
}

/** @default 4 MiB, the bundle limit's default too */
const DEFAULT_MAX_PUBLISH_BYTES = 4 * 1024 * 1024;

/**
 * Reads a request body as UTF-8 text, at most `maxBytes`.
 * @throws TickspaceError INVALID_ARGUMENT (status 413) past the limit, (400) for bytes that are not UTF-8.
 */
async function readBody(req: IncomingMessage, maxBytes: number, what: string): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = (bytes: string) =>
    new TickspaceError(
      'INVALID_ARGUMENT',
      `${what}: the body is ${bytes} bytes, over the limit of ${maxBytes} (maxPublishBytes)`,
      {
        details: { status: 413, maxBytes },
      },
    );
  if (declared > maxBytes) {
    req.resume();
    throw tooLarge(String(declared));
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      req.resume();
      throw tooLarge(`more than ${maxBytes}`);
    }
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new TickspaceError('INVALID_ARGUMENT', `${what}: the body is not UTF-8 text`);
  }
}

/** What the HTTP routes need from the server. */
export interface HttpRouteOptions {
  readonly hub: SessionHub;
  /** Bearer token for /admin/*; undefined disables admin (403). */
  readonly adminToken: string | undefined;
  readonly admin: AdminHandlers;
  /** Directory of the static client build; undefined serves none. */
  readonly staticDir: string | undefined;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const fail = (res: ServerResponse, status: number, code: string, message: string) =>
  json(res, status, { error: { code, message } });

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

// Digests of equal length, compared in constant time: neither the token's content nor its length
// shows in how long a refusal takes.
function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  return timingSafeEqual(sha256(given), sha256(token));
}

async function admin(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: HttpRouteOptions,
): Promise<void> {
  if (options.adminToken === undefined)
    return fail(res, 403, 'FORBIDDEN', 'admin endpoints are disabled: the server has no adminToken');
  if (!authorized(req, options.adminToken))
    return fail(res, 403, 'FORBIDDEN', 'admin endpoints need Authorization: Bearer <adminToken>');
  const op = url.pathname.slice('/admin/'.length);
  const handlers = options.admin;
  const intParam = (name: string): number | undefined => {
    const raw = url.searchParams.get(name);
    if (raw === null) return undefined;
    // Digits only: Number('') is 0, and '?tick=' must not rewind the world to its first tick.
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n))
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `query parameter '${name}' must be an integer >= 0, got '${raw}'`,
      );
    return n;
  };
  const method = (want: string) => {
    if (req.method !== want)
      throw new TickspaceError('INVALID_ARGUMENT', `/admin/${op} takes ${want}, not ${req.method}`, {
        details: { status: 405 },
      });
  };
  const missing = () =>
    fail(res, 501, 'NOT_IMPLEMENTED', `/admin/${op}: no ${op} handler is configured on this server`);
  try {
    const route = consoleRoute(op);
    if (route !== undefined) {
      method('GET');
      const c = handlers.console;
      const ctx = {
        hub: options.hub,
        engine: options.hub.engine,
        history: c?.history,
        limits: consoleLimits(c?.limits),
      };
      return json(res, 200, { ok: true, result: await route(url, ctx) });
    }
    switch (op) {
      case 'snapshot':
        method('POST');
        if (handlers.snapshot === undefined) return missing();
        return json(res, 200, { ok: true, result: await handlers.snapshot() });
      case 'rewind': {
        method('POST');
        if (handlers.rewind === undefined) return missing();
        const tick = intParam('tick');
        if (tick === undefined) throw new TickspaceError('INVALID_ARGUMENT', '/admin/rewind needs ?tick=<n>');
        // The engine's restore event resyncs every subscriber (with the reason): nothing to do here.
        const result = await handlers.rewind(tick);
        return json(res, 200, { ok: true, result });
      }
      case 'inspect': {
        method('GET');
        if (handlers.inspect === undefined) return missing();
        const table = url.searchParams.get('table');
        if (table === null || table === '')
          throw new TickspaceError('INVALID_ARGUMENT', '/admin/inspect needs ?table=<name>');
        return json(res, 200, { ok: true, result: await handlers.inspect(table, intParam('tick')) });
      }
      case 'publish': {
        method('POST');
        if (handlers.publish === undefined) return missing();
        const source = await readBody(
          req,
          handlers.maxPublishBytes ?? DEFAULT_MAX_PUBLISH_BYTES,
          '/admin/publish',
        );
        if (source.trim() === '')
          throw new TickspaceError(
            'INVALID_ARGUMENT',
            '/admin/publish needs the module source as the request body',
          );
        const exportName = url.searchParams.get('export') ?? undefined;
        return json(res, 200, { ok: true, result: await handlers.publish(source, exportName) });
      }
      default:
        return fail(
          res,
          404,
          'NOT_FOUND',
          `no admin operation '${op}' (snapshot, rewind, inspect, publish, ${CONSOLE_ROUTE_NAMES.join(', ')})`,
        );
    }
  } catch (error) {
    if (error instanceof TickspaceError) {
      const status =
        typeof error.details.status === 'number'
          ? error.details.status
          : error.code === 'SCHEMA_MISMATCH'
            ? 409
            : 400;
      return fail(res, status, error.code, error.message);
    }
    options.hub.logger.error(`admin ${op} failed`, error);
    return fail(res, 500, 'INTERNAL', `admin ${op} failed with a server error`);
  }
}

/**
 * Handles one HTTP request: `GET /health`, `GET /metrics` (Prometheus text), `/admin/*` behind
 * the admin token, then static files. A request target that is not a URL is answered 400. Never
 * rejects: a fault is logged and answered 500 (or the response is destroyed if it had started).
 */
export async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  options: HttpRouteOptions,
): Promise<void> {
  const hub = options.hub;
  const url = parseRequestTarget(req.url);
  if (url === undefined)
    return fail(res, 400, 'INVALID_ARGUMENT', 'the request target is not a valid URL path');
  try {
    if (url.pathname === '/health') {
      return json(res, 200, {
        status: 'ok',
        tick: hub.engine.tick,
        running: hub.engine.running,
        clients: hub.clientCount,
        connections: hub.connectionCount,
        stateHash: hub.engine.stateHash,
      });
    }
    if (url.pathname === '/metrics') {
      const text = await hub.metrics.text();
      res.writeHead(200, { 'content-type': hub.metrics.contentType });
      res.end(text);
      return;
    }
    if (isConsolePage(url.pathname) && (req.method === 'GET' || req.method === 'HEAD'))
      return await serveConsolePage(url.pathname, res, req.method === 'HEAD');
    if (url.pathname.startsWith('/admin/')) return await admin(req, res, url, options);
    if ((req.method === 'GET' || req.method === 'HEAD') && options.staticDir !== undefined)
      if (await serveStatic(options.staticDir, url.pathname, res, req.method === 'HEAD')) return;
    return fail(res, 404, 'NOT_FOUND', `no route for ${req.method} ${url.pathname}`);
  } catch (error) {
    hub.logger.error(`HTTP ${req.method} ${url.pathname} failed`, error);
    if (!res.headersSent) fail(res, 500, 'INTERNAL', 'the request failed with a server error');
    else res.destroy();
  }
}
