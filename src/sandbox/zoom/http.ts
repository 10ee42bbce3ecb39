// HTTP plumbing of the Zoom sandbox: Zoom-shaped errors ({code, message}), JSON answers and request bodies.
// Handlers throw ZoomError; the router turns it into the status and body Zoom would send.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

/** Zoom's error body is `{code, message}`, plus `errors[]` on validation failures (code 300). */
export class ZoomError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Array<{ field: string; message: string }>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return this.errors ? { code: this.code, message: this.message, errors: this.errors } : { code: this.code, message: this.message };
  }
}

export const invalidToken = () => new ZoomError(401, 124, 'Invalid access token.');
export const userNotFound = (userId: string) => new ZoomError(404, 1001, `User does not exist: ${userId}.`);
export const validationFailed = (field: string, message: string) =>
  new ZoomError(400, 300, 'Validation Failed.', [{ field, message }]);

/** What a handler answers; `undefined` means it wrote the response itself (file downloads). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const json = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json;charset=UTF-8';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers).end(text);
}

const MAX_BODY_BYTES = 1024 * 1024;

/** The raw body, refused past 1 MiB (no Zoom request the bot sends comes near). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ZoomError(413, 300, 'Request body is too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body against `schema`; anything else is Zoom's 400 "Validation Failed." naming the first field. */
export function parseBody<T>(text: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ZoomError(400, 300, 'Request Body should be a valid JSON object.');
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  throw validationFailed(field, issue?.message ?? 'invalid');
}

/** Every query value by name (the last one wins, as in Zoom's servers). */
export type Query = Record<string, string | undefined>;

export function queryOf(url: URL): Query {
  const query: Query = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  return query;
}
