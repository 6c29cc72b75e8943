/** The viewports every layout-sensitive browser test plays at: the smallest laptop we support, 720p and 1080p. */
export const VIEWPORTS = [
  { width: 1024, height: 600 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
