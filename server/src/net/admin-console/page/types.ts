/** The JSON the admin routes answer (see the route files beside this folder). */

export interface TableInfo {
  readonly name: string;
  readonly public: boolean;
  readonly system: boolean;
  readonly columns: readonly { readonly name: string; readonly kind: string }[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly string[];
  readonly count: number;
}

export interface TablesAnswer {
  readonly tick: number;
  readonly running: boolean;
  readonly history: { readonly oldestTick: number; readonly lastTick: number } | null;
  readonly tables: readonly TableInfo[];
}

export interface RowsAnswer {
  readonly table: string;
  readonly tick: number;
  readonly live: boolean;
  readonly count: number;
  readonly matching: number;
  readonly offset: number;
  readonly limit: number;
  readonly primaryKey: readonly string[];
  readonly rows: readonly { readonly key: string; readonly values: Record<string, unknown> }[];
}

export interface LoggedCallInfo {
  readonly tick: number;
  readonly now: number;
  readonly index: number;
  readonly origin: string;
  readonly reducer: string;
  readonly sender: string;
  readonly args: Record<string, unknown> | null;
  readonly ok: boolean;
  readonly code: string | null;
  readonly message: string | null;
  /** The value the call returned, when its reducer declares `returns` (null: it declares none). */
  readonly returned: { readonly value: unknown } | null;
}

export interface LogAnswer {
  readonly from: number;
  readonly to: number;
  readonly oldestTick: number;
  readonly lastTick: number;
  readonly reducers: readonly string[];
  readonly matched: number;
  readonly ticksWithCalls: number;
  readonly truncated: boolean;
  readonly calls: readonly LoggedCallInfo[];
}

export interface HistoryAnswer {
  readonly table: string;
  readonly key: string;
  readonly total: number;
  readonly truncated: boolean;
  readonly versions: readonly {
    readonly tick: number;
    readonly now: number;
    readonly kind: string;
    readonly row: Record<string, unknown> | null;
    readonly call: { index: number; reducer: string; origin: string; sender: string } | null;
  }[];
}

export interface SessionsAnswer {
  readonly tick: number;
  readonly clients: number;
  readonly connections: number;
  readonly sessions: readonly {
    readonly identity: string | null;
    readonly protocolVersion: number;
    readonly remoteAddress: string;
    readonly bufferedBytes: number;
  }[];
}

export interface MetricsAnswer {
  readonly tick: number;
  readonly atMs: number;
  readonly metrics: readonly {
    readonly name: string;
    readonly help: string;
    readonly type: string;
    readonly values: readonly { readonly value: number; readonly labels: Record<string, string | number> }[];
  }[];
}

export interface RewindAnswer {
  readonly target: number;
  readonly tick: number;
  readonly stateHash: string;
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
}
