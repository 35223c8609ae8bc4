/**
 * The WebSocket adapter of the API: `{id, method, params}` in, `{id, result}` or `{id, error}` out, and
 * `{event, payload}` pushed to every client. Messages are size-limited and parsed defensively; the
 * handler table validates params against the contract.
 */
import type { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { EventName, EventPayload } from './contract';
import { dispatch, type HandlerTable } from './handlers';

const requestSchema = z.object({
  id: z.number().int(),
  method: z.string().max(100),
  params: z.unknown().optional(),
});

export function attachApi(wss: WebSocketServer, table: HandlerTable): void {
  wss.on('connection', (socket: WebSocket) => {
    socket.on('message', async (data, isBinary) => {
      if (isBinary) return socket.close(1003, 'text frames only');
      let message: z.infer<typeof requestSchema>;
      try {
        message = requestSchema.parse(JSON.parse(data.toString()));
      } catch {
        socket.send(JSON.stringify({ id: null, error: { code: 'USAGE', message: 'Malformed API message' } }));
        return;
      }
      const outcome = await dispatch(table, message.method, message.params);
      if (socket.readyState !== socket.OPEN) return;
      socket.send(
        JSON.stringify(
          outcome.ok ? { id: message.id, result: outcome.result } : { id: message.id, error: outcome.error },
        ),
      );
    });
  });
}

export function broadcast<E extends EventName>(
  wss: WebSocketServer,
  event: E,
  payload: EventPayload<E>,
): void {
  const frame = JSON.stringify({ event, payload });
  for (const client of wss.clients) {
    if (client.readyState === client.OPEN) client.send(frame);
  }
}
