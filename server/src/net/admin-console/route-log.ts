import { CALL_ORIGIN } from '../../engine';
import { logSchemaOf } from '../../engine/tooling';
import type { ConsoleContext } from './console-context';
import { QueryParams } from './query-params';
import { historyOf } from './table-shapes';
import { jsonRow, jsonValue } from './value-text';

/** Calls in one answer when `limit` is not given. */
const DEFAULT_CALLS = 200;
/** Ticks scanned when `from` is not given. */
const DEFAULT_TICKS = 500;

const ORIGINS = ['client', 'schedule', 'lifecycle'] as const;
const ORIGIN_NAME: Record<number, string> = {
  [CALL_ORIGIN.CLIENT]: 'client',
  [CALL_ORIGIN.SCHEDULE]: 'schedule',
  [CALL_ORIGIN.LIFECYCLE]: 'lifecycle',
};

/**
 * `GET /admin/log[?from=A][&to=B][&reducer=R][&sender=S][&outcome=ok|error|CODE][&origin=client|schedule|lifecycle][&limit=L]`:
 * the reducer calls of ticks A..B (default: the last 500 ticks, or `maxLogTicks` if fewer), newest first, that match every
 * filter. `sender` matches an identity's leading hex digits; `outcome` is `ok`, `error` (any
 * failure) or one error code. At most `limit` calls are returned (the newest); `matched` counts
 * them all. Ticks without a matching call do not appear: `physics_step` every tick hides nothing.
 * @throws TickspaceError INVALID_ARGUMENT (400) naming the parameter: a range wider than
 * `maxLogTicks`, `from` after `to`, a `limit` over `maxLogCalls`, an unknown reducer
 */
export function logRoute(url: URL, ctx: ConsoleContext): unknown {
  const q = new QueryParams(url, '/admin/log', [
    'from',
    'to',
    'reducer',
    'sender',
    'outcome',
    'origin',
    'limit',
  ]);
  const history = historyOf(ctx, '/admin/log');
  const oldest = history.store.firstTick + 1;
  const last = history.store.lastTick;
  const limits = ctx.limits;
  const limit =
    q.integer('limit', { min: 1, max: limits.maxLogCalls, limitName: 'maxLogCalls' }) ?? DEFAULT_CALLS;
  const toAsked = q.integer('to');
  const fromAsked = q.integer('from');
  const to = Math.min(toAsked ?? last, last);
  // The default window fits the limit; only a range the caller asks for is refused.
  const from = Math.max(fromAsked ?? to - (Math.min(DEFAULT_TICKS, limits.maxLogTicks) - 1), oldest);
  if (fromAsked !== undefined && toAsked !== undefined && fromAsked > toAsked)
    throw q.error('from', `(${fromAsked}) is after 'to' (${toAsked})`);
  if (to - from + 1 > limits.maxLogTicks)
    throw q.error(
      'from',
      `asks for ${to - from + 1} ticks (${from}..${to}), over the limit of ${limits.maxLogTicks} (maxLogTicks): narrow from/to`,
    );
  const reducers = [...logSchemaOf(ctx.engine).reducers.keys()];
  const reducer = q.string('reducer');
  if (reducer !== undefined && reducer !== '' && !reducers.includes(reducer) && !reducer.startsWith('__'))
    throw q.error('reducer', `names no reducer '${reducer}' (reducers: ${reducers.join(', ')})`);
  const sender = q.string('sender')?.toLowerCase();
  if (sender !== undefined && !/^[0-9a-f]*$/.test(sender))
    throw q.error('sender', `must be hex digits (the start of an identity), got '${sender}'`);
  const outcome = q.string('outcome');
  if (outcome !== undefined && outcome !== 'ok' && outcome !== 'error' && !/^[A-Z][A-Z0-9_]*$/.test(outcome))
    throw q.error('outcome', `must be ok, error or an error code (UPPER_SNAKE), got '${outcome}'`);
  const origin = q.choice('origin', ORIGINS);
  // The log keeps none as a plain ok (no bytes): a reducer declaring a value returned none.
  const declaresValue = new Set(
    ctx.engine.module.reducers.filter((r) => r.options.returns !== undefined).map((r) => r.name),
  );

  const calls: unknown[] = [];
  let matched = 0;
  let ticksWithCalls = 0;
  if (from <= to)
    for (const t of history.ticks(from, to, { calls: true, changes: false })) {
      if (t.calls.length > 0) ticksWithCalls++;
      for (let i = 0; i < t.calls.length; i++) {
        const c = t.calls[i]!;
        if (reducer !== undefined && reducer !== '' && c.reducer !== reducer) continue;
        if (sender !== undefined && !c.sender.toLowerCase().startsWith(sender)) continue;
        if (origin !== undefined && ORIGIN_NAME[c.origin] !== origin) continue;
        const r = c.result;
        if (outcome === 'ok' && !r.ok) continue;
        if (outcome === 'error' && r.ok) continue;
        if (outcome !== undefined && outcome !== 'ok' && outcome !== 'error' && (r.ok || r.code !== outcome))
          continue;
        matched++;
        calls.push({
          tick: t.tick,
          now: t.now,
          index: i,
          origin: ORIGIN_NAME[c.origin] ?? String(c.origin),
          reducer: c.reducer,
          sender: c.sender,
          args: c.args === undefined ? null : jsonRow(c.args),
          ok: r.ok,
          code: r.ok ? null : r.code,
          message: r.ok ? null : r.message,
          // What a reducer that declares `returns` gave its caller (`{ value: null }` is none).
          returned: !r.ok
            ? null
            : r.returns !== undefined
              ? { value: jsonValue(r.value) }
              : declaresValue.has(c.reducer)
                ? { value: null }
                : null,
        });
        // Keep the newest `limit` only: memory stays bounded whatever the range holds.
        if (calls.length >= 2 * limit) calls.splice(0, calls.length - limit);
      }
    }
  return {
    from,
    to,
    oldestTick: oldest,
    lastTick: last,
    reducers,
    matched,
    ticksWithCalls,
    truncated: matched > limit,
    calls: calls.slice(-limit).reverse(),
  };
}
