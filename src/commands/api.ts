// `/zoom api <METHOD> <path> [json]`: any Zoom REST call, through the same ZoomClient (auth, budgets, retries) as
// every command. The path stays under ZOOM_API_URL whatever is typed; writes ask first, and the confirmed request
// is read back from Redis (once, by the admin who typed it) and checked again before it is sent.
import { z } from 'zod';
import type { ActionDef, CommandDef } from './command.js';
import type { Invocation, ParsedCommand } from './context.js';
import { audited } from './audited.js';
import { UsageError } from './errors.js';
import { claimPending, stashPending } from './pending.js';
import { sendFileToDirectMessage } from '../slack/files.js';
import { API_ACTIONS, API_BODY_SHOWN, apiAnswerMessage, apiRefusalMessage, bodyPreview } from '../views/api.js';
import { confirmationPrompt } from '../views/confirm.js';
import { escapeMrkdwn } from '../views/format.js';
import type { HttpMethod, QueryValue } from '../zoom/client.js';
import { ZoomApiError, ZoomRateLimitError } from '../zoom/errors.js';

export const API_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const satisfies readonly HttpMethod[];
/** A confirmation outlives this long; the response_url it answers through lives 30 minutes. */
const PENDING_TTL_SECONDS = 15 * 60;
const PENDING_KIND = 'api-call';
// A path, not a whole command: the refusals below say what to type at the path's place.
const EXAMPLE = '/users/me';

export interface ApiRequest {
  method: HttpMethod;
  /** Encoded as typed, starting with '/', relative to ZOOM_API_URL. */
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

export const apiCommands: CommandDef[] = [
  {
    path: ['api'],
    usage: 'api <GET|POST|PATCH|PUT|DELETE> <path> [<json body>]',
    summary: 'Any Zoom API call, relative to ZOOM_API_URL; writes ask first. Long answers come whole in a DM.',
    example: 'api PATCH /users/jane@example.com {"dept":"Ops"}',
    access: 'write',
    args: {
      positionals: [
        { name: 'method', choices: API_METHODS, example: 'GET' },
        { name: 'path', example: '/users/me' },
      ],
      flags: {},
      rest: { name: 'json body', optional: true },
    },
    run: apiCommand,
  },
];

async function apiCommand(inv: Invocation, args: ParsedCommand): Promise<void> {
  const request = parseApiRequest(args.positionals[0] ?? '', args.positionals[1] ?? '', args.rest, inv.services.config.zoom.apiUrl);
  if (request.method === 'GET') {
    await callZoom(inv, request);
    return;
  }
  // docs/command-grammar.md: a write asks first. The request waits in Redis: a button value holds at most 2000 characters,
  // and taking it out once means a double click cannot send it twice.
  const value = await stashPending(inv, PENDING_KIND, request, PENDING_TTL_SECONDS);
  const shown = `${request.method} ${displayPath(request)}`;
  await inv.reply(
    confirmationPrompt({
      question: `Send *${escapeMrkdwn(shown)}* to Zoom?${request.body === undefined ? '' : `\n${bodyPreview(request.body)}`}`,
      confirmLabel: `Send ${request.method}`,
      actionId: API_ACTIONS.confirm,
      value,
      note: 'This changes your Zoom account directly; ZoomOps cannot undo it. The button works once, for 15 minutes.',
    }),
  );
}

/** Sends the request and answers with Zoom's status, tracking ID and JSON (the whole body as a file when long). */
async function callZoom(inv: Invocation, request: ApiRequest, opts: { replaceOriginal?: boolean } = {}): Promise<void> {
  const shown = displayPath(request);
  const send = () =>
    inv.services.zoom.requestRaw({
      method: request.method,
      path: request.path,
      query: request.query as Record<string, QueryValue>,
      body: request.body,
      // The endpoint's real rate label is unknown here. Most single reads are Light and most writes Medium, so a
      // guess charges the local budget about right; a daily 429 closes the label Zoom reports, not this guess.
      label: request.method === 'GET' ? 'light' : 'medium',
      // Zoom Phone endpoints are paced by their own, lower table.
      table: request.path.startsWith('/phone/') ? 'phone' : 'default',
    });
  let answer;
  try {
    answer = request.method === 'GET' ? await send() : await audited(inv, `called Zoom: ${request.method} ${shown}`, send);
  } catch (error) {
    if (error instanceof ZoomApiError && !(error instanceof ZoomRateLimitError) && error.status !== 429) {
      const { status, zoomCode, zoomMessage, trackingId } = error;
      await inv.reply(apiRefusalMessage({ method: request.method, path: shown, status, code: zoomCode, message: zoomMessage, trackingId }), opts);
      return;
    }
    throw error;
  }
  const body = prettyBody(answer.text);
  let fileNote: string | undefined;
  if (body.length > API_BODY_SHOWN) {
    const filename = `zoom-api-${request.method.toLowerCase()}${request.path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}.json`;
    await sendFileToDirectMessage(inv.services.slack, inv.person.id, {
      filename,
      content: body,
      comment: `${request.method} ${shown} → ${answer.status}`,
    });
    fileNote = `The answer has ${body.length} characters; the whole of it is in \`${filename}\` in a direct message.`;
  }
  await inv.reply(apiAnswerMessage({ method: request.method, path: shown, status: answer.status, trackingId: answer.trackingId, body, fileNote }), opts);
}

function prettyBody(text: string): string {
  if (text.trim() === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function displayPath(request: ApiRequest): string {
  const query = new URLSearchParams(request.query).toString();
  return `${request.path}${query ? `?${query}` : ''}`;
}

// ---- the path: under ZOOM_API_URL, whatever is typed -------------------------------------------------------

// RFC 3986 path characters; anything else (spaces, quotes, brackets) must come percent-encoded.
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** How many layers of percent-encoding are looked through: %252e%252e is `..` after two. */
const DECODE_LAYERS = 4;

function refuse(why: string): never {
  throw new UsageError(`${why} Give a path under ZOOM_API_URL, e.g. \`${EXAMPLE}\`.`, { example: EXAMPLE });
}

/**
 * Checks what was typed and returns the request, or refuses it in one sentence. The path is relative to
 * ZOOM_API_URL: full URLs, `//host`, backslashes, control characters (CRLF), and `..` or `.` segments in any
 * encoding (`%2e%2e`, `%252e%252e`, any case) are refused; so is anything the URL parser would place outside the
 * API base. The body must be JSON, and a GET takes none.
 */
export function parseApiRequest(methodText: string, pathText: string, bodyText: string | undefined, apiUrl: string): ApiRequest {
  const method = API_METHODS.find((m) => m === methodText.toUpperCase());
  if (!method) refuse(`"${methodText}" is not a method: use GET, POST, PATCH, PUT or DELETE.`);
  const typed = pathText.trim();
  if (typed === '') refuse('The path is missing.');
  if (CONTROL.test(typed)) refuse('The path contains a control character (such as a line break).');
  if (SCHEME.test(typed)) refuse(`"${typed}" is a full URL; only paths relative to ZOOM_API_URL are allowed.`);
  if (typed.startsWith('//')) refuse(`"${typed}" names another host.`);
  if (typed.includes('\\')) refuse('The path contains a backslash.');
  if (typed.includes('#')) refuse('The path contains a fragment (#).');

  const at = typed.indexOf('?');
  const rawPath = (typed.startsWith('/') ? '' : '/') + (at === -1 ? typed : typed.slice(0, at));
  const rawQuery = at === -1 ? '' : typed.slice(at + 1);
  if (!PATH_CHARS.test(rawPath)) refuse(`The path "${rawPath}" has characters that must be percent-encoded (spaces, quotes …).`);
  if (/%(?![0-9A-Fa-f]{2})/.test(rawPath)) refuse(`The path "${rawPath}" has a % that is not a percent-encoding.`);
  if (rawPath.includes('//')) refuse(`The path "${rawPath}" has an empty segment (//).`);
  checkDecodedLayers(rawPath);
  assertUnderBase(rawPath, apiUrl);

  const query = parseQuery(rawQuery);
  let body: unknown;
  if (bodyText !== undefined && bodyText.trim() !== '') {
    if (method === 'GET') refuse('A GET takes no body; put parameters in the query, e.g. `/users?status=active`.');
    try {
      body = JSON.parse(bodyText);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(`The body is not valid JSON (${reason}). Write it as JSON, e.g. {"dept":"Ops"}.`, { example: '{"dept":"Ops"}' });
    }
  }
  return { method, path: rawPath, query, ...(body === undefined ? {} : { body }) };
}

// Some proxy or server on the way may decode once more than we would: look through every layer for `..`, `\`
// and control characters.
function checkDecodedLayers(path: string): void {
  let current = path;
  for (let layer = 0; layer < DECODE_LAYERS && current.includes('%'); layer++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      refuse('The path has a malformed percent-encoding.');
    }
    if (CONTROL.test(decoded)) refuse('The path hides a control character (such as an encoded line break).');
    if (decoded.includes('\\')) refuse('The path hides a backslash.');
    if (decoded === current) break;
    current = decoded;
    if (hasDotSegment(current)) refuse('The path may not contain "." or ".." segments, in any encoding.');
  }
  if (hasDotSegment(path)) refuse('The path may not contain "." or ".." segments, in any encoding.');
}

function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => segment === '.' || segment === '..');
}

// The last word: where the URL parser itself would send it (it also reads %2e as a dot). The URL is joined as
// ZoomClient joins it, from the text: `base.href` of a base without a path ends in '/', and '/' + path is '//…'.
function assertUnderBase(path: string, apiUrl: string): void {
  const baseText = apiUrl.replace(/\/+$/, '');
  const base = new URL(baseText);
  const target = new URL(`${baseText}${path}`);
  const basePath = base.pathname.replace(/\/+$/, '');
  if (target.origin !== base.origin || !target.pathname.startsWith(`${basePath}/`) || target.pathname !== `${basePath}${path}`) {
    refuse(`"${path}" would leave the Zoom API.`);
  }
}

function parseQuery(raw: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    if (CONTROL.test(name) || CONTROL.test(value)) refuse('The query contains a control character.');
    if (name in query) refuse(`The query gives "${name}" twice; give it once (Zoom takes lists comma-separated).`);
    query[name] = value;
  }
  return query;
}

// ---- the confirmation button --------------------------------------------------------------------------------

const StoredRequest = z.object({
  method: z.enum(API_METHODS),
  path: z.string(),
  query: z.record(z.string(), z.string()),
  body: z.unknown().optional(),
});

export const apiActions: ActionDef[] = [
  {
    actionId: API_ACTIONS.confirm,
    access: 'write',
    run: async (inv, value) => {
      // The asker's first click takes the request: a second click finds nothing, another admin's is refused.
      const { method, path, query, body } = await claimPending(inv, PENDING_KIND, value, StoredRequest);
      // Checked again as if typed now: what Redis held must still be a request under the API base.
      const again = parseApiRequest(method, `${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`, body === undefined ? undefined : JSON.stringify(body), inv.services.config.zoom.apiUrl);
      await callZoom(inv, again, { replaceOriginal: true });
    },
  },
];
