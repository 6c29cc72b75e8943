/** A skill's experience curve, as `skill_def` holds it. */
export interface SkillCurve {
  readonly maxLevel: number;
  readonly xpBase: number;
  readonly xpGrowth: number;
}

/** Where a player stands within a level: experience gathered in it and needed for the next. */
export interface LevelSpan {
  readonly level: number;
  /** Experience earned since the level was reached. */
  readonly into: number;
  /** Experience the level takes to finish; 0 at the top level. */
  readonly need: number;
}

/**
 * The level reached with `xp` and the span of that level, with the same products the server's
 * `levelForXp` uses (server/src/world/skills.ts), so the bar fills exactly when the server levels up.
 * @example
 * levelSpan({ maxLevel: 50, xpBase: 20, xpGrowth: 1.5 }, 25); // -> { level: 2, into: 5, need: 30 }
 */
export function levelSpan(curve: SkillCurve, xp: number): LevelSpan {
  let level = 1;
  let need = curve.xpBase;
  let total = 0;
  while (level < curve.maxLevel && xp >= total + need) {
    total += need;
    need = Math.floor(need * curve.xpGrowth);
    level++;
  }
  return { level, into: xp - total, need: level >= curve.maxLevel ? 0 : need };
}
