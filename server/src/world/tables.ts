import { createSchema, t, table } from '../engine';

/**
 * Frontier's tables. Content tables (`*_def`, `recipe_input`, `recipe_output`, `building_cost`,
 * `biome_resource`, `settings`) are written only by init and by `content_reload`; every other table
 * only by the reducers. Clients subscribe to the public ones; spatial tables have a spatial index so
 * that area-of-interest subscriptions deliver terrain, nodes, buildings, players and local chat.
 */

/** Visible to the player in `owner` only (declared, so a change is routed to that player's client alone). */
const ownerOnly = { to: ['owner'] } as const;

/** Tile coordinates: 1 unit = 1 tile. Spatial cell sizes are in tiles. */
export const frontierSchema = createSchema({
  // ---- content (read-only for clients) -----------------------------------------------------
  item_def: table(
    { public: true },
    {
      id: t.string().primaryKey(),
      name: t.string(),
      category: t.string(),
      stackSize: t.u16(),
      iconShape: t.string(),
      iconColor: t.string(),
      /** '' if the item is not a tool. */
      toolKind: t.string(),
      /** 0 if the item is not a tool. */
      toolTier: t.u8(),
      description: t.string(),
      /** Food: how long eating one leaves the eater well fed; 0 if the item is not food. */
      wellFedMs: t.u32().default(0),
    },
  ),
  recipe_def: table(
    { public: true },
    {
      id: t.string().primaryKey(),
      name: t.string(),
      /** Building id of the station, '' for none. */
      station: t.string(),
      skill: t.string(),
      level: t.u8(),
      xp: t.u32(),
      craftMs: t.u32(),
    },
  ),
  recipe_input: table(
    {
      public: true,
      primaryKey: ['recipeId', 'itemId'],
      indexes: [{ name: 'by_recipe', columns: ['recipeId'], kind: 'hash' }],
    },
    { recipeId: t.string(), itemId: t.string(), quantity: t.u16(), position: t.u8() },
  ),
  recipe_output: table(
    {
      public: true,
      primaryKey: ['recipeId', 'itemId'],
      indexes: [{ name: 'by_recipe', columns: ['recipeId'], kind: 'hash' }],
    },
    { recipeId: t.string(), itemId: t.string(), quantity: t.u16(), position: t.u8() },
  ),
  resource_def: table(
    { public: true },
    {
      id: t.string().primaryKey(),
      name: t.string(),
      itemId: t.string(),
      quantityPerGather: t.u16(),
      amount: t.u16(),
      gatherMs: t.u32(),
      respawnMs: t.u32(),
      /** '' if no tool is needed. */
      toolKind: t.string(),
      toolTier: t.u8(),
      skill: t.string(),
      xp: t.u32(),
      blocks: t.bool(),
      radius: t.f32(),
      iconShape: t.string(),
      iconColor: t.string(),
    },
  ),
  building_def: table(
    { public: true },
    {
      id: t.string().primaryKey(),
      name: t.string(),
      width: t.u8(),
      height: t.u8(),
      buildMs: t.u32(),
      storageSlots: t.u8(),
      station: t.bool(),
      blocks: t.bool(),
      skill: t.string(),
      xp: t.u32(),
      iconShape: t.string(),
      iconColor: t.string(),
    },
  ),
  building_cost: table(
    {
      public: true,
      primaryKey: ['buildingId', 'itemId'],
      indexes: [{ name: 'by_building', columns: ['buildingId'], kind: 'hash' }],
    },
    { buildingId: t.string(), itemId: t.string(), quantity: t.u16(), position: t.u8() },
  ),
  biome_def: table(
    { public: true },
    {
      id: t.string().primaryKey(),
      name: t.string(),
      /** 'land' | 'water' | 'cliff' */
      kind: t.string(),
      tile: t.u8().unique(),
      color: t.string(),
      speedFactor: t.f32(),
      tMin: t.f32(),
      tMax: t.f32(),
      mMin: t.f32(),
      mMax: t.f32(),
    },
  ),
  biome_resource: table(
    {
      public: true,
      primaryKey: ['biomeId', 'resourceId'],
      indexes: [{ name: 'by_biome', columns: ['biomeId'], kind: 'hash' }],
    },
    { biomeId: t.string(), resourceId: t.string(), density: t.f32() },
  ),
  skill_def: table(
    { public: true },
    { id: t.string().primaryKey(), name: t.string(), maxLevel: t.u8(), xpBase: t.u32(), xpGrowth: t.f32() },
  ),
  /** Quest lines, in file order (`position`); their steps are in `quest_step`. */
  quest_def: table({ public: true }, { id: t.string().primaryKey(), name: t.string(), position: t.u16() }),
  /** One step of a quest: `position` 0 first. The goal counts `quantity` of `target` (`goalKind` says of what). */
  quest_step: table(
    {
      public: true,
      primaryKey: ['questId', 'position'],
      indexes: [{ name: 'by_quest', columns: ['questId'], kind: 'hash' }],
    },
    {
      questId: t.string(),
      position: t.u8(),
      text: t.string(),
      /** 'gather' (an item id) | 'craft' (a recipe id) | 'build' (a building id) */
      goalKind: t.string(),
      target: t.string(),
      quantity: t.u16(),
      hint: t.string(),
    },
  ),
  /** Town projects, in file order; the site is relative to the spawn point (`world_info`). */
  project_def: table(
    { public: true },
    {
      id: t.string().primaryKey(),
      name: t.string(),
      description: t.string(),
      position: t.u16(),
      siteDx: t.i16(),
      siteDy: t.i16(),
      width: t.u8(),
      height: t.u8(),
    },
  ),
  /** A project's stages, `position` 0 first; completing one raises `buildingId` on the site. */
  project_stage: table(
    {
      public: true,
      primaryKey: ['projectId', 'position'],
      indexes: [{ name: 'by_project', columns: ['projectId'], kind: 'hash' }],
    },
    { projectId: t.string(), position: t.u8(), name: t.string(), buildingId: t.string() },
  ),
  /** What a stage consumes: `quantity` of `itemId` (`position` orders them for display). */
  project_need: table(
    {
      public: true,
      primaryKey: ['projectId', 'stage', 'itemId'],
      indexes: [{ name: 'by_project', columns: ['projectId'], kind: 'hash' }],
    },
    { projectId: t.string(), stage: t.u8(), itemId: t.string(), quantity: t.u16(), position: t.u8() },
  ),
  settings: table(
    { public: true },
    {
      id: t.u8().primaryKey(),
      playerSpeedTilesPerSec: t.f32(),
      playerRadiusTiles: t.f32(),
      reachTiles: t.f32(),
      inventorySlots: t.u8(),
      tradeRadiusTiles: t.f32(),
      stationRadiusTiles: t.f32(),
      buildRangeTiles: t.f32(),
      constructStepMs: t.u32(),
      startBiome: t.string(),
      startRadiusTiles: t.u16(),
    },
  ),

  // ---- world ------------------------------------------------------------------------------
  /** One row: the world's seed, size and spawn point, and the content revision. */
  world_info: table(
    { public: true },
    {
      id: t.u8().primaryKey(),
      seed: t.string(),
      worldTiles: t.u32(),
      chunkTiles: t.u16(),
      spawnX: t.f32(),
      spawnY: t.f32(),
      /** Bumped by every content reload. */
      contentRev: t.u32(),
    },
  ),
  /** Terrain, one row per generated chunk: `tiles[y * chunkTiles + x]` is a biome's tile byte. */
  terrain_chunk: table(
    { public: true, spatial: { x: 'x', y: 'y', cellSize: 32 } },
    {
      /** cy * chunksPerSide + cx */
      id: t.u32().primaryKey(),
      cx: t.u16(),
      cy: t.u16(),
      /** Centre of the chunk, in tiles (for spatial subscriptions). */
      x: t.f32(),
      y: t.f32(),
      tiles: t.bytes(),
    },
  ),
  /** Resource nodes placed by the generator; ids are `chunkId * maxNodesPerChunk + k`. */
  resource_node: table(
    { public: true, spatial: { x: 'x', y: 'y', cellSize: 16 } },
    {
      id: t.u32().primaryKey(),
      resourceId: t.string(),
      x: t.f32(),
      y: t.f32(),
      /** Gathers left; 0 = depleted until `respawnAtMs`. */
      amount: t.u16(),
      respawnAtMs: t.f64(),
    },
  ),
  /** Players' profiles, kept when they leave (their position lives in `avatar`). */
  player: table(
    { public: true },
    {
      identity: t.identity().primaryKey(),
      name: t.string(),
      /** Lower-case name, unique: "Ann" and "ann" cannot both exist. */
      nameKey: t.string().unique(),
      online: t.bool(),
      containerId: t.u32().unique(),
      joinedMs: t.f64(),
    },
  ),
  /**
   * Each player's entity in the world: position and movement intent. A narrow row, because the
   * physics step rewrites it every tick the player walks and subscribers receive every change.
   */
  avatar: table(
    {
      public: true,
      spatial: { x: 'x', y: 'y', cellSize: 16 },
      indexes: [{ name: 'moving', columns: ['moving'], kind: 'hash' }],
    },
    {
      identity: t.identity().primaryKey(),
      name: t.string(),
      online: t.bool(),
      x: t.f32(),
      y: t.f32(),
      /** Movement intent set by `move`, length <= 1. */
      dirX: t.f32(),
      dirY: t.f32(),
      moving: t.bool(),
    },
  ),
  /** Inventories: a player's backpack or a storage building. */
  container: table(
    { public: true, indexes: [{ name: 'by_owner', columns: ['owner'], kind: 'hash' }] },
    {
      id: t.u32().primaryKey().autoInc(),
      owner: t.identity(),
      /** Building row id for storage, 0 for a backpack. */
      buildingId: t.u32(),
      slots: t.u16(),
    },
  ),
  /** Item stacks, one row per occupied slot. Backpacks are visible to their owner only. */
  inventory: table(
    {
      public: true,
      primaryKey: ['containerId', 'slot'],
      indexes: [{ name: 'by_container', columns: ['containerId'], kind: 'btree' }],
      visibility: { to: ['owner'], everyoneWhen: 'shared' },
    },
    {
      containerId: t.u32(),
      slot: t.u16(),
      owner: t.identity(),
      shared: t.bool(),
      itemId: t.string(),
      quantity: t.u32(),
    },
  ),
  skill: table(
    {
      public: true,
      primaryKey: ['owner', 'skillId'],
      indexes: [{ name: 'by_owner', columns: ['owner'], kind: 'hash' }],
      visibility: ownerOnly,
    },
    { owner: t.identity(), skillId: t.string(), xp: t.u32(), level: t.u8() },
  ),
  /**
   * A player's place in a quest: the step they are on (`step` = the number of steps means the quest
   * is complete) and how much of its goal is done. Absent until the player makes progress.
   */
  quest_progress: table(
    {
      public: true,
      primaryKey: ['owner', 'questId'],
      indexes: [{ name: 'by_owner', columns: ['owner'], kind: 'hash' }],
      visibility: ownerOnly,
    },
    { owner: t.identity(), questId: t.string(), step: t.u8(), count: t.u16() },
  ),
  /** What a player is doing over time (gather, craft, construct); absent when idle. */
  action: table(
    { public: true, visibility: ownerOnly },
    {
      owner: t.identity().primaryKey(),
      /** 'gather' | 'craft' | 'construct' */
      kind: t.string(),
      /** Node id or building id; 0 for craft. */
      target: t.u32(),
      /** Recipe id for craft, '' otherwise. */
      recipeId: t.string(),
      startedMs: t.f64(),
      endsMs: t.f64(),
      scheduleId: t.u32(),
    },
  ),
  building: table(
    {
      public: true,
      spatial: { x: 'cx', y: 'cy', cellSize: 16 },
      indexes: [{ name: 'by_owner', columns: ['owner'], kind: 'hash' }],
    },
    {
      id: t.u32().primaryKey().autoInc(),
      buildingId: t.string(),
      owner: t.identity(),
      /** Footprint's top-left tile. */
      x: t.i32(),
      y: t.i32(),
      width: t.u8(),
      height: t.u8(),
      /** Footprint centre, for spatial queries. */
      cx: t.f32(),
      cy: t.f32(),
      progressMs: t.u32(),
      complete: t.bool(),
      /** Storage container, 0 if none. */
      containerId: t.u32(),
    },
  ),
  /** Who besides the owner may use a storage building. */
  building_access: table(
    {
      public: true,
      primaryKey: ['buildingId', 'identity'],
      indexes: [{ name: 'by_building', columns: ['buildingId'], kind: 'hash' }],
    },
    { buildingId: t.u32(), identity: t.identity() },
  ),
  trade: table(
    {
      public: true,
      indexes: [
        { name: 'by_a', columns: ['a'], kind: 'hash' },
        { name: 'by_b', columns: ['b'], kind: 'hash' },
      ],
      visibility: { to: ['a', 'b'] },
    },
    {
      id: t.u32().primaryKey().autoInc(),
      a: t.identity(),
      b: t.identity(),
      aAccepted: t.bool(),
      bAccepted: t.bool(),
      openedMs: t.f64(),
      /**
       * Whether `b` took up `a`'s invitation (answered it, offered or accepted): until then it is an
       * invitation. Defaults to true so a world from before invitations migrates with its open trades
       * still open (they were agreed to under the old rules); new trades set it to false.
       */
      bJoined: t.bool().default(true),
    },
  ),
  /** Items on offer: `side` 0 is `a`'s offer, 1 is `b`'s. */
  trade_item: table(
    {
      public: true,
      primaryKey: ['tradeId', 'side', 'itemId'],
      indexes: [{ name: 'by_trade', columns: ['tradeId'], kind: 'btree' }],
      visibility: { to: ['a', 'b'] },
    },
    {
      tradeId: t.u32(),
      side: t.u8(),
      itemId: t.string(),
      quantity: t.u32(),
      a: t.identity(),
      b: t.identity(),
    },
  ),
  chat_message: table(
    {
      public: true,
      spatial: { x: 'x', y: 'y', cellSize: 32 },
      indexes: [
        { name: 'by_channel', columns: ['channel'], kind: 'hash' },
        { name: 'by_sent', columns: ['sentMs'], kind: 'btree' },
      ],
    },
    {
      id: t.u32().primaryKey().autoInc(),
      sender: t.identity(),
      senderName: t.string(),
      /** 'local' | 'global' */
      channel: t.string(),
      text: t.string(),
      x: t.f32(),
      y: t.f32(),
      sentMs: t.f64(),
    },
  ),
  /** Messages to one player about things that happened without a call of theirs (an action that could not finish). */
  notice: table(
    {
      public: true,
      indexes: [
        { name: 'by_owner', columns: ['owner'], kind: 'hash' },
        { name: 'by_sent', columns: ['sentMs'], kind: 'btree' },
      ],
      visibility: ownerOnly,
    },
    {
      id: t.u32().primaryKey().autoInc(),
      owner: t.identity(),
      code: t.string(),
      text: t.string(),
      sentMs: t.f64(),
    },
  ),
  /** Until when a player is well fed (eating extends it); absent if they never ate. */
  satiety: table(
    { public: true, visibility: ownerOnly },
    { owner: t.identity().primaryKey(), fedUntilMs: t.f64() },
  ),
  /**
   * A town project's progress: the stage under way (= the stage count: complete) and the building
   * the last completed stage raised (0 before the first). Absent until someone contributes.
   */
  project_state: table(
    { public: true },
    { projectId: t.string().primaryKey(), stage: t.u8(), building: t.u32() },
  ),
  /** Materials delivered to a project's current stage (cleared when the stage completes). */
  project_delivery: table(
    {
      public: true,
      primaryKey: ['projectId', 'itemId'],
      indexes: [{ name: 'by_project', columns: ['projectId'], kind: 'hash' }],
    },
    { projectId: t.string(), itemId: t.string(), quantity: t.u32() },
  ),
  /** Items each player has delivered to a project over all its stages (the panel's contributors). */
  project_contributor: table(
    {
      public: true,
      primaryKey: ['projectId', 'owner'],
      indexes: [{ name: 'by_project', columns: ['projectId'], kind: 'hash' }],
    },
    { projectId: t.string(), owner: t.identity(), name: t.string(), items: t.u32() },
  ),

  // ---- private bookkeeping ------------------------------------------------------------------
  chat_quota: table(
    { public: false },
    { identity: t.identity().primaryKey(), windowStartMs: t.f64(), count: t.u16() },
  ),
  /**
   * Per terrain chunk: the tick of the last change to what blocks movement in or near it. The
   * physics cache rebuilds a chunk's collision world when this moves.
   */
  chunk_rev: table({ public: false }, { id: t.u32().primaryKey(), rev: t.u32() }),
  /** Logical time of the last physics step (one row). */
  physics_clock: table({ public: false }, { id: t.u8().primaryKey(), lastStepMs: t.f64() }),
  /**
   * A player's walk to a point (`walk_to`): the physics step steers the avatar straight at it and
   * stops it `stopTiles` from it. Private: only the walker's own client needs it, and it predicts
   * from what it sent.
   */
  walk_target: table(
    { public: false },
    { identity: t.identity().primaryKey(), x: t.f32(), y: t.f32(), stopTiles: t.f32() },
  ),
});

/** Frontier's table declarations. */
export type FrontierTables = typeof frontierSchema.tables;
