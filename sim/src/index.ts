/**
 * The Tickspace bot harness: simulated players (a human model and five bot tiers) that drive the
 * Frontier world through the client SDK, an in-process runner (loopback transport, logical time),
 * a networked runner (WebSockets, worker threads), the bot detector (features, models, live
 * scoring into a private `suspicion` table) and detection trials.
 */

// ---- runners -------------------------------------------------------------------------------------
export { runInProcess } from './runners/in-process-runner';
export { runThreaded, type ThreadedOptions } from './runners/threaded-runner';
export type { InProcessOptions, SimResult, SimProgress } from './runners/in-process-runner';
export { runNetworked } from './runners/networked-runner';
export type { NetworkedOptions, NetworkedResult } from './runners/networked-runner';
export { startBotSwarm, addSwarmStats } from './runners/bot-swarm';
export type { BotSwarm, BotSwarmOptions, SwarmStats } from './runners/bot-swarm';
export { BotConnection, subscribeContent, SHARED_TABLES } from './runners/bot-connection';
export type { BotRadii, FrontierConnection } from './runners/bot-connection';
export { WorldStats } from './runners/world-stats';
export type { WorldTotals, TickLike } from './runners/world-stats';

// ---- behaviours ----------------------------------------------------------------------------------
export { Agent, TIERS, TIER_LIST } from './behaviour/agent';
export type { Tier, AgentHost, AgentStats, ScriptMove } from './behaviour/agent';
export { HumanPlayer, HumanStyle } from './behaviour/human-player';
export type { HumanPlayerOptions, HumanStyleOptions } from './behaviour/human-player';
export { NaiveBot, NaiveStyle } from './behaviour/naive-bot';
export { JitteredBot, JitteredStyle } from './behaviour/jittered-bot';
export { ReplayBot, ReplayStyle } from './behaviour/replay-bot';
export { HumanisedBot } from './behaviour/humanised-bot';
export { PartTimeBot } from './behaviour/part-time-bot';
export type { PartTimeBotOptions } from './behaviour/part-time-bot';
export { SocialBot, SocialStyle, SOCIAL_BOT_DEFAULTS, perturbSocialBotParams } from './behaviour/social-bot';
export type { SocialBotOptions, SocialBotParams } from './behaviour/social-bot';
export { SocialHabits, SOCIAL_DEFAULTS } from './behaviour/social-habits';
export type { SocialParams } from './behaviour/social-habits';
export {
  ResampledBot,
  ResampledStyle,
  RESAMPLED_BOT_DEFAULTS,
  perturbResampledBotParams,
} from './behaviour/resampled-bot';
export type { ResampledBotOptions, ResampledBotParams } from './behaviour/resampled-bot';
export { FarmRing, RingGatherer, FARM_RING_DEFAULTS, perturbFarmRingParams } from './behaviour/farm-ring';
export type { FarmRingParams, RingGathererOptions } from './behaviour/farm-ring';
export { RingReceiver } from './behaviour/ring-receiver';
export type { RingReceiverOptions } from './behaviour/ring-receiver';
export {
  SessionBot,
  SessionStyle,
  SessionPlanner,
  SESSION_BOT_DEFAULTS,
  perturbSessionBotParams,
  hourOfDay,
} from './behaviour/session-bot';
export type { SessionBotOptions, SessionBotParams } from './behaviour/session-bot';
export { perturbParams } from './behaviour/tier-params';
export type { ParamRange, ParamRanges } from './behaviour/tier-params';
export { DelegatingStyle } from './behaviour/style-delegate';
export { HumanModel, sampleHumanParams } from './behaviour/human-model';
export type { HumanParams } from './behaviour/human-model';
export {
  createPopulation,
  parseMix,
  memberIdentity,
  DEFAULT_SHARES,
  perturbTierParams,
} from './behaviour/population';
export type { Member, PopulationMix, PopulationOptions, TierParams } from './behaviour/population';
export { TraceLibrary, TracePlayer, TRACE_KIND } from './behaviour/trace-library';
export type { Trace, TraceKind } from './behaviour/trace-library';
export { nextStep, Situation, findSite } from './behaviour/planner';
export type { Goal, Step } from './behaviour/planner';
export { ContentIndex, contentIndexOf } from './behaviour/content-index';
export { UPDATE_KIND } from './behaviour/game-port';
export type { GameView, GameActions, CachedDb, CallOutcome, UpdateKind } from './behaviour/game-port';
export type { Style, StyleContext, SessionDecision, SteerDecision } from './behaviour/style';

// ---- detector ------------------------------------------------------------------------------------
export { StreamSet, ActionStream, NameTable, STREAM_EVENT } from './detect/action-stream';
export type { StreamEvent, StreamEventType } from './detect/action-stream';
export { extractFeatures, playTimeMs, FEATURE_NAMES } from './detect/features';
export type { FeatureName, FeatureOptions, FeatureVector } from './detect/features';
export { FrontierEventSource } from './detect/frontier-events';
export { streamsFromLog } from './detect/log-streams';
export type { LogStreamsOptions } from './detect/log-streams';
export type { FrontierEventOptions } from './detect/frontier-events';
export { trainGradientBoosting, GradientBoostedTrees } from './detect/gradient-boosting';
export type { GradientBoostingOptions } from './detect/gradient-boosting';
export { trainLogisticRegression, LogisticRegression } from './detect/logistic-regression';
export type { LogisticRegressionOptions } from './detect/logistic-regression';
export type { Classifier, ClassifierJson, Dataset } from './detect/classifier';
export { EnsembleClassifier } from './detect/ensemble';
export { rocCurve, rocAuc, tprAtFpr, thresholdForFpr, flaggedRate } from './detect/roc';
export type { RocPoint } from './detect/roc';
export {
  createDetector,
  withSuspicionTable,
  suspicionTable,
  SUSPICION_TABLE,
  SUSPICION_CALL,
} from './detect/detector';
export type { Detector, DetectorOptions } from './detect/detector';
export { loadDetectorModel, detectorModelToJson, loadClassifier, scoreBatch } from './detect/detector-model';
export {
  extractBatchFeatures,
  DETECTOR_FEATURE_NAMES,
  POPULATION_FEATURE_NAMES,
} from './detect/population-features';
export type { DetectorModel, DetectorModelJson, DetectorBucket, Verdict } from './detect/detector-model';

// ---- trials --------------------------------------------------------------------------------------
export { runTrial, BOT_TIERS } from './trial/trial';
export type { TrialOptions, TrialReport, PhaseSummary } from './trial/trial';
export { writeTrialReport, trialMarkdown, TRIAL_GOALS } from './trial/report';
export { rocSvg } from './trial/roc-svg';
export { MODEL_KINDS } from './trial/evaluate';
export type { ModelKind, CutoffFigures, TierFigures } from './trial/evaluate';

// ---- randomness ----------------------------------------------------------------------------------
export { createRng, clamp } from './random';
export type { Rng } from './random';
