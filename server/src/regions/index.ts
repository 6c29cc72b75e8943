/**
 * Regions: one world over several engines joined by a fabric. The handoff kit (tables and
 * reducers any module spreads into its own, and the relay that moves outbox rows over the
 * fabric exactly once), and the entity directory. See README.md for the protocol.
 */
export { handoffTables, HANDOFF_OUTCOME, encodePayload, decodePayload } from './handoff-tables';
export type { HandoffTables, HandoffOutcome, OutboxRow, InboxRow } from './handoff-tables';
export { handoffReducers, HANDOFF_REDUCERS } from './handoff-reducers';
export type { HandoffOptions } from './handoff-reducers';
export {
  decodeRegionMessage,
  encodeRegionMessage,
  regionMessageId,
  regionSubject,
  DEFAULT_MAX_HANDOFF_BYTES,
} from './handoff-messages';
export type { HandoffMessage, DoneMessage, RegionMessage } from './handoff-messages';
export { HandoffRelay, HANDOFF_POINTS } from './handoff-relay';
export type { HandoffRelayOptions, HandoffRelayCounts, HandoffPoint } from './handoff-relay';
export { PlayerDirectory, openPlayerDirectory } from './player-directory';
export type { DirectoryEntry } from './player-directory';
export { startRegion, faultFromEnv } from './region-process';
export type { RegionOptions, RunningRegion } from './region-process';
export { regionGrid } from './region-grid';
export type { RegionGrid, RegionRect } from './region-grid';
export { refuseMovedCallers } from './moved-guard';
export { watchBorders } from './border-watch';
export type { BorderWatchOptions, EntityPosition } from './border-watch';
