import type { ConsoleContext } from './console-context';
import { historyRoute } from './route-history';
import { logRoute } from './route-log';
import { metricsRoute } from './route-metrics';
import { rowsRoute } from './route-rows';
import { sessionsRoute } from './route-sessions';
import { tablesRoute } from './route-tables';

type ConsoleRoute = (url: URL, ctx: ConsoleContext) => unknown;

/** The admin console's JSON routes (`GET /admin/<name>`, behind the admin token like every /admin route). */
const ROUTES: Readonly<Record<string, ConsoleRoute>> = {
  tables: tablesRoute,
  rows: rowsRoute,
  log: logRoute,
  history: historyRoute,
  sessions: sessionsRoute,
  metrics: metricsRoute,
};

/** The names of the console's routes, for the 404 of an unknown admin operation. */
export const CONSOLE_ROUTE_NAMES: readonly string[] = Object.keys(ROUTES);

/** The console route of `/admin/<op>`, or undefined when `op` is none. */
export function consoleRoute(op: string): ConsoleRoute | undefined {
  return Object.hasOwn(ROUTES, op) ? ROUTES[op] : undefined;
}
