/**
 * A memory view holding Frontier's real content (`content/*.json`), mapped to the content tables'
 * rows by the server's own loader and mapping, for unit tests of code that reads names and rules.
 */
import biomes from '../../../content/biomes.json';
import buildings from '../../../content/buildings.json';
import items from '../../../content/items.json';
import projects from '../../../content/projects.json';
import quests from '../../../content/quests.json';
import recipes from '../../../content/recipes.json';
import resources from '../../../content/resources.json';
import settings from '../../../content/settings.json';
import skills from '../../../content/skills.json';
import { CONTENT_TABLES, storedContentRows, validateContent } from '@tickspace/server/world';
import { createMemoryView, type MemoryView } from '../../src/world/world-view';

const FILES = { biomes, buildings, items, projects, quests, recipes, resources, settings, skills };

/** The view, with every content table's rows as the server writes them for the shipped content. */
export function contentView(): MemoryView {
  const bundle = Object.fromEntries(
    Object.entries(FILES).map(([name, value]) => [`${name}.json`, JSON.stringify(value)]),
  );
  const loaded = validateContent(bundle);
  if (!loaded.ok) throw new Error(`content/ is not valid content: ${JSON.stringify(loaded.problems)}`);
  const rows = storedContentRows(loaded.content);
  const view = createMemoryView();
  for (const name of CONTENT_TABLES) for (const row of rows[name]) view.table(name).put(row as never);
  return view;
}
