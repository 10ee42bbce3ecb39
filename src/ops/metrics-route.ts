// GET /metrics in Prometheus text format, on every role's PORT. With ZOOMOPS_METRICS_TOKEN set only that bearer token
// reads it; unset, only callers on this machine do (a scraper beside the bot, or a port-forward).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { METRICS_CONTENT_TYPE, metricsText } from '../metrics.js';
import type { Services } from '../services.js';
import { hasBearer, isLoopback } from './access.js';

const METRICS_PATH = '/metrics';

export function metricsRoute(services: Services): CustomRoute {
  const token = services.config.ops.metricsToken;
  return {
    path: METRICS_PATH,
    method: ['GET'],
    handler: (req: IncomingMessage, res: ServerResponse) => {
      if (token ? !hasBearer(req, token) : !isLoopback(req)) {
        const error = token ? 'send Authorization: Bearer <ZOOMOPS_METRICS_TOKEN>' : 'set ZOOMOPS_METRICS_TOKEN to read /metrics from another machine';
        res.writeHead(token ? 401 : 403, { 'content-type': 'application/json', ...(token ? { 'www-authenticate': 'Bearer' } : {}) });
        res.end(JSON.stringify({ error }));
        return;
      }
      metricsText(services.jobs).then(
        (text) => {
          res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
          res.end(text);
        },
        (error: unknown) => {
          services.log.error({ err: error }, 'could not render /metrics');
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'could not render the metrics' }));
        },
      );
    },
  };
}
