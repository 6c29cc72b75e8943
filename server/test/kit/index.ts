/** The shared test kit: a real engine + server on port 0, SDK clients, raw sockets, a frame cache. */
export { startTestServer, testClient } from './test-server';
export type { TestServer, TestServerOptions, TestClient } from './test-server';
export { openRawSocket, refusedUpgrade } from './raw-socket';
export type { RawSocket, UpgradeRefusal } from './raw-socket';
export { startTcpProxy } from './tcp-proxy';
export type { TcpProxy } from './tcp-proxy';
export { createFrameCache } from './frame-cache';
export type { FrameCache } from './frame-cache';
