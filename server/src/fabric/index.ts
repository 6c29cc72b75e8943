/**
 * The fabric: the message broker regions talk through, behind a small port. NATS JetStream
 * for real, an in-process fabric with seeded faults for property tests, and a helper that runs
 * a nats-server process on a loopback port with its own store.
 */
export { DEFAULT_ACK_WAIT_MS } from './port';
export type {
  Fabric,
  FabricConsumer,
  FabricKv,
  FabricMessage,
  ConsumerOptions,
  CoreHandler,
  FabricSubscription,
  KvEntry,
  MessageHandler,
  PublishAck,
} from './port';
export { MemoryFabric, createMemoryFabric } from './memory-fabric';
export type { MemoryFabricOptions, MemoryFaults, MemoryFabricCounts } from './memory-fabric';
export { createJetStreamFabric } from './jetstream-fabric';
export type { JetStreamFabricOptions } from './jetstream-fabric';
export { startNatsServer } from './nats-server-process';
export type { NatsServer, NatsServerOptions } from './nats-server-process';
