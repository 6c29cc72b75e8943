/**
 * Regions: one world over several engines joined by a fabric. The handoff kit (tables and
 * reducers any module spreads into its own, and the relay that moves outbox rows over the
 * fabric exactly once), the ghost kit (border rows mirrored read-only into the neighbours), and
 * the entity directory. See README.md for the protocol.
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
export { regionGrid, distanceToRect } from './region-grid';
export type { RegionGrid, RegionRect } from './region-grid';
export { refuseMovedCallers } from './moved-guard';
export { watchBorders } from './border-watch';
export type { BorderWatchOptions, EntityPosition } from './border-watch';
export { ghostTables } from './ghost-tables';
export type { GhostTables, GhostRow } from './ghost-tables';
export { ghostKit, GHOST_REDUCERS } from './ghost-reducers';
export type { GhostKit, GhostOptions, GhostHandoffHooks } from './ghost-reducers';
export {
  decodeGhostMessage,
  encodeGhostMessage,
  ghostSubject,
  DEFAULT_MAX_GHOST_BYTES,
} from './ghost-messages';
export type { GhostMessage } from './ghost-messages';
export { GhostRelay, DEFAULT_GHOST_KEYFRAME_TICKS, DEFAULT_GHOST_STALE_TICKS } from './ghost-relay';
export type { GhostRelayOptions, GhostRelayCounts } from './ghost-relay';
