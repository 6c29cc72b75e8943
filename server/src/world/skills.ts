import type { Identity } from '../engine';
import type { FrontierDb } from './runtime';

/** A skill's experience curve. */
export interface SkillCurve {
  readonly maxLevel: number;
  readonly xpBase: number;
  readonly xpGrowth: number;
}

/**
 * The level reached with `xp` experience: level 2 needs `xpBase`, each later level `xpGrowth` times
 * the previous step. Products only (no Math.pow), so every platform agrees.
 * @example
 * levelForXp({ maxLevel: 50, xpBase: 20, xpGrowth: 1.5 }, 50); // -> 3 (20 to level 2, 30 more to level 3)
 */
export function levelForXp(curve: SkillCurve, xp: number): number {
  let level = 1;
  let need = curve.xpBase;
  let total = 0;
  while (level < curve.maxLevel && xp >= total + need) {
    total += need;
    need = Math.floor(need * curve.xpGrowth);
    level++;
  }
  return level;
}

/** The player's level in a skill (1 if they have no row or the skill is unknown). */
export function skillLevel(db: FrontierDb, owner: Identity, skillId: string): number {
  return db.skill.find([owner, skillId])?.level ?? 1;
}

/** Adds experience and recomputes the level; unknown skills (removed by a reload) are ignored. */
export function addXp(db: FrontierDb, owner: Identity, skillId: string, xp: number): void {
  const def = db.skill_def.find(skillId);
  if (def === undefined || xp <= 0) return;
  const row = db.skill.find([owner, skillId]);
  const total = Math.min(0xffffffff, (row?.xp ?? 0) + xp);
  const level = levelForXp(def, total);
  if (row === undefined) db.skill.insert({ owner, skillId, xp: total, level });
  else db.skill.update({ ...row, xp: total, level });
}
