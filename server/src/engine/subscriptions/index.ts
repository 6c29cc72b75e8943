/** Live subscriptions: incremental, spatial (area of interest), encoded once per tick and shared. */
export { Subscriptions, createSubscriptions } from './subscriptions';
export type { SubscriptionCharge, SubscriptionCost } from './subscriptions';
