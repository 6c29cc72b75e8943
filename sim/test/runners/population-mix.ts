/** A small world keeps terrain generation cheap (the runner tests' world). */
export const SMALL_WORLD = { worldTiles: 512 } as const;

/** A population with every tier in it, for the runner tests. */
export const EVERY_TIER = {
  human: 3,
  naive: 1,
  jittered: 1,
  replay: 1,
  humanised: 1,
  'part-time': 1,
  social: 1,
  resampled: 1,
  'farm-ring': 2,
  'ring-receiver': 1,
  session: 1,
} as const;
