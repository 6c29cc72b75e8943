/**
 * Whether bot `index` of `clients` is one of the `observers` bots that decode every update:
 * exactly `observers` of them, spread evenly over the run (and so over the workers and the world).
 * @example
 * isObserver(0, 10, 5); // -> false
 * isObserver(1, 10, 5); // -> true
 */
export function isObserver(index: number, clients: number, observers: number): boolean {
  return Math.floor(((index + 1) * observers) / clients) > Math.floor((index * observers) / clients);
}
