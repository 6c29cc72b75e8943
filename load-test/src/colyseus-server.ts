import { Server, matchMaker } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import type { AddressInfo } from 'node:net';
import { COLYSEUS_ROOM } from './colyseus-protocol';
import { createMovementRoom } from './colyseus-room';
import type { RunningServer, ServerConfig, ServerProbe } from './server-ipc';

/**
 * Starts the Colyseus peer on 127.0.0.1 (port 0: the system picks) with the movement room
 * already created, so every bot joins the same room.
 * @throws Error if the transport does not report a port.
 * @example
 * const server = await startColyseusServer(config, probe);
 * console.log(server.port);
 */
export async function startColyseusServer(config: ServerConfig, probe: ServerProbe): Promise<RunningServer> {
  const transport = new WebSocketTransport({});
  const server = new Server({ transport, greet: false, gracefullyShutdown: false });
  server.define(COLYSEUS_ROOM, createMovementRoom(config.movement, probe));
  await server.listen(config.port ?? 0, '127.0.0.1');
  const address = (
    transport as unknown as { server: { address(): AddressInfo | string | null } }
  ).server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the Colyseus transport did not report a TCP port');
  const room = await matchMaker.createRoom(COLYSEUS_ROOM, {});
  return {
    url: `ws://127.0.0.1:${address.port}`,
    status() {
      const instance = matchMaker.getLocalRoomById(room.roomId);
      const clients = instance?.clients.length ?? 0;
      return {
        clients,
        entities: (instance?.state as { entities?: { size: number } } | undefined)?.entities?.size ?? 0,
      };
    },
    async stop() {
      await server.gracefullyShutdown(false);
    },
  };
}
