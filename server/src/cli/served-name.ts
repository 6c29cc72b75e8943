import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What start-up calls the served module: the default module is Frontier; a module file is named
 * after the package it belongs to (the nearest package.json: `my-game` for a project made with
 * `tickspace init`), with its path relative to the working directory beside it, because a file
 * name such as `module.ts` or `frontier-module.ts` names no game.
 * @example
 * servedModuleName('/home/ada/my-game/src/module.ts', false, '/home/ada/my-game'); // -> 'my-game (src/module.ts)'
 */
export function servedModuleName(modulePath: string, isDefault: boolean, cwd = process.cwd()): string {
  const file = modulePath.replace(/#.*$/, '');
  const shown = path.relative(cwd, path.resolve(cwd, file)) || file;
  if (isDefault) return `Frontier (${shown})`;
  const name = packageNameOf(path.dirname(path.resolve(cwd, file)));
  return name === undefined ? shown : `${name} (${shown})`;
}

/** The `name` of the nearest package.json at or above `dir`. */
function packageNameOf(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const file = path.join(d, 'package.json');
    if (fs.existsSync(file)) {
      try {
        const name = (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown }).name;
        return typeof name === 'string' && name !== '' ? name : undefined;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/** `Tickspace 0.1.0`: the product and the version of the kit serving. */
export function productName(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const version = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
      return typeof version === 'string' ? `Tickspace ${version}` : 'Tickspace';
    }
    dir = path.dirname(dir);
  }
  return 'Tickspace';
}
