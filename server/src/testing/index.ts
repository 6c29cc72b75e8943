/**
 * The test harness for module authors (`tickspace/testing`): a world in logical time with several
 * typed players over the loopback transport, `tick()`, `settle()`, and time travel (`asOf`,
 * `history`) over a real commit log. No sockets, no timers.
 */
export { createTestWorld } from './test-world';
export type { TestWorld, TestWorldOptions, TestPlayer, TestRowVersion } from './test-world';
