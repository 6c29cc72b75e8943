import type { ClientTableName, RowOf } from '../world/rows';

/** Rows of one table as of one tick. */
export interface TableAsOf<N extends ClientTableName> {
  readonly tick: number;
  readonly rows: RowOf<N>[];
}

/** Where the time-travel viewer reads history from. */
export interface HistorySource {
  /** The live world's current tick. */
  latestTick(): Promise<number>;
  /** The oldest tick still in the retained history (searched for, at most ~32 requests). */
  earliestTick(latest: number): Promise<number>;
  /**
   * A table as of a tick (or live, when `tick` is undefined).
   * @throws HistoryError FORBIDDEN without a valid admin token, TICK_OUT_OF_RANGE outside the history, HISTORY_PRUNED before what retention kept
   */
  table<N extends ClientTableName>(name: N, tick?: number): Promise<TableAsOf<N>>;
}

/** A failed history request: the server's error code and message. */
export class HistoryError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'HistoryError';
    this.code = code;
  }
}

/** Columns the server's JSON carries as hex strings (bytes), by table. */
const BYTES_COLUMNS: Partial<Record<ClientTableName, readonly string[]>> = { terrain_chunk: ['tiles'] };

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** Options of {@link createHttpHistorySource}. */
export interface HttpHistorySourceOptions {
  /** The game server's HTTP origin. @default location.origin */
  readonly origin?: string;
  /** Bearer token for `/admin/*`. */
  readonly adminToken: string;
  /** fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/**
 * Reads history through the server's HTTP endpoints: `GET /health` for the live tick and
 * `GET /admin/inspect?table=&tick=` (behind the admin token), which answers from the commit log's
 * time travel (`Database.asOf`).
 *
 * @example
 * const source = createHttpHistorySource({ adminToken });
 * const { rows } = await source.table('avatar', 1200); // avatars as they stood at tick 1200
 */
export function createHttpHistorySource(options: HttpHistorySourceOptions): HistorySource {
  const origin = options.origin ?? globalThis.location.origin;
  const f = options.fetch ?? globalThis.fetch.bind(globalThis);
  const get = async (path: string): Promise<unknown> => {
    let res: Response;
    try {
      res = await f(`${origin}${path}`, { headers: { authorization: `Bearer ${options.adminToken}` } });
    } catch (cause) {
      throw new HistoryError('DISCONNECTED', `cannot reach ${origin}: ${String(cause)}`);
    }
    const body = (await res.json().catch(() => ({}))) as {
      error?: { code: string; message: string };
      result?: unknown;
    };
    if (!res.ok || body.error !== undefined)
      throw new HistoryError(
        body.error?.code ?? `HTTP_${res.status}`,
        body.error?.message ?? `${path}: HTTP ${res.status}`,
      );
    return body;
  };
  const source: HistorySource = {
    async latestTick() {
      const body = (await get('/health')) as { tick: number };
      return body.tick;
    },
    async earliestTick(latest) {
      const ok = async (tick: number) => {
        try {
          await source.table('world_info', tick);
          return true;
        } catch (e) {
          if (e instanceof HistoryError && (e.code === 'TICK_OUT_OF_RANGE' || e.code === 'HISTORY_PRUNED'))
            return false;
          throw e;
        }
      };
      if (await ok(1)) return 1;
      let lo = 1;
      let hi = latest;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (await ok(mid)) hi = mid;
        else lo = mid;
      }
      return hi;
    },
    async table(name, tick) {
      const q = `/admin/inspect?table=${encodeURIComponent(name)}${tick === undefined ? '' : `&tick=${tick}`}`;
      const body = (await get(q)) as { result: { tick: number; rows: Record<string, unknown>[] } };
      const bytes = BYTES_COLUMNS[name] ?? [];
      const rows = body.result.rows;
      if (bytes.length > 0)
        for (const r of rows)
          for (const c of bytes) if (typeof r[c] === 'string') r[c] = hexToBytes(r[c] as string);
      // The server's JSON: the rows of table `name` as its inspect handler read them.
      return { tick: body.result.tick, rows: rows as RowOf<typeof name>[] };
    },
  };
  return source;
}
