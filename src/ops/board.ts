// Bull Board at /admin/queues for operators who want to look at jobs beside `/zoom jobs`: only when
// ZOOMOPS_BOARD_TOKEN is set, only for that bearer token, and read-only twice over: the board's queues are in its
// read-only mode (no retry, remove, clean or promote buttons), and any request but GET is refused before it
// reaches the board, so none of its write endpoints can be called by hand either.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { CustomRoute } from '@slack/bolt';
import { QUEUE_NAMES } from '../jobs/queues.js';
import type { Services } from '../services.js';
import { hasBearer } from './access.js';

const BOARD_PATH = '/admin/queues';
/** Every method is routed here, so a write is answered 405 by us instead of 404 by Bolt or anything by the board. */
const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The board's routes; none without ZOOMOPS_BOARD_TOKEN (the path is then unknown, as any other). */
export function boardRoutes(services: Services): CustomRoute[] {
  const token = services.config.ops.boardToken;
  if (!token) return [];
  const adapter = new ExpressAdapter().setBasePath(BOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.flatMap((name) => services.jobs.shardsOf(name)).map((queue) => new BullMQAdapter(queue, { readOnlyMode: true, allowRetries: false })),
    serverAdapter: adapter,
  });
  const board = adapter.getRouter() as (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (!hasBearer(req, token)) return refuse(res, 401, 'send Authorization: Bearer <ZOOMOPS_BOARD_TOKEN>', { 'www-authenticate': 'Bearer' });
    if (req.method !== 'GET') return refuse(res, 405, 'the queue board is read-only', { allow: 'GET' });
    // The board routes relative to where it is mounted, as Express does for a mounted app.
    req.url = req.url!.slice(BOARD_PATH.length) || '/';
    board(req, res, (error) => {
      if (error) services.log.error({ err: error }, 'the queue board failed');
      if (!res.headersSent) refuse(res, error ? 500 : 404, error ? 'the queue board failed' : 'not found');
    });
  };
  return [
    { path: BOARD_PATH, method: ALL_METHODS, handler },
    { path: `${BOARD_PATH}/*rest`, method: ALL_METHODS, handler },
  ];
}

function refuse(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error }));
}
