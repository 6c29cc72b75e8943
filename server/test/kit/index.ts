/** The shared test kit: a real engine + server on port 0, SDK clients, raw sockets, a frame cache. */
export { startTestServer, testClient } from './test-server';
export type { TestServer, TestServerOptions, TestClient } from './test-server';
export { openRawSocket } from './raw-socket';
export type { RawSocket } from './raw-socket';
export { createFrameCache } from './frame-cache';
export type { FrameCache } from './frame-cache';
