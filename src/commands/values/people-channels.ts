// Who a command is about (`me`, an email, a Slack mention, a Zoom user ID) and which Slack channel.
import { quoted, throwUsage } from '../errors.js';

/** A `<who>` of docs/command-grammar.md, which also says how each kind resolves to a Zoom user. */
export type Who =
  | { kind: 'me' }
  | { kind: 'email'; email: string }
  | { kind: 'slack'; userId: string }
  | { kind: 'zoomId'; id: string };

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const SLACK_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;
const SLACK_USER_ID = /^[UW][A-Z0-9]{8,11}$/;
// Zoom user IDs are opaque base64url-ish strings (22 characters today); a plain lower-case word is
// far likelier a name typed by mistake than an ID.
const ZOOM_USER_ID = /^[A-Za-z0-9_-]{10,64}$/;

/** `me`, an email, a Slack mention `<@U…>` (or a raw `U…` ID) or a Zoom user ID. */
/** `flag` names where the user was typed: a flag (`user` → `--user`) or a positional shown as `<who>`. */
export function parseWho(text: string, flag = 'user'): Who {
  const typed = text.trim();
  const option = flag.startsWith('<') ? '' : `--${flag.replace(/^-+/, '')} `;
  if (typed.toLowerCase() === 'me') return { kind: 'me' };
  const mention = SLACK_MENTION.exec(typed)?.[1];
  if (mention !== undefined) return { kind: 'slack', userId: mention };
  if (SLACK_USER_ID.test(typed)) return { kind: 'slack', userId: typed };
  const email = typed.replace(/^mailto:/i, '');
  if (EMAIL.test(email)) return { kind: 'email', email };
  if (ZOOM_USER_ID.test(typed) && /[A-Z0-9]/.test(typed)) return { kind: 'zoomId', id: typed };

  if (typed.startsWith('@')) {
    return throwUsage(
      `${quoted(typed)} is not a Slack user I can see: pick them from Slack's @ list or give their email, ` +
        `e.g. ${option}jane@example.com`,
      `${option}jane@example.com`,
    );
  }
  return throwUsage(
    `${quoted(typed)} is not a user: give me, an email, an @mention or a Zoom user ID, e.g. ${option}jane@example.com`,
    `${option}jane@example.com`,
  );
}

const CHANNEL_MENTION = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/;
// Slack IDs are upper case; a case-insensitive match would take a name like `Generalchat` for an ID.
const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;

/** A Slack channel: a mention `<#C…>` (as Slack sends `#name`) or a raw `C…`/`G…` ID; returns the ID. */
export function parseChannel(text: string): string {
  const typed = text.trim();
  const id = CHANNEL_MENTION.exec(typed)?.[1] ?? (CHANNEL_ID.test(typed) ? typed : undefined);
  if (id !== undefined) return id;
  return throwUsage(
    `${quoted(typed)} is not a channel I can see: pick it from Slack's # list, or give its ID, e.g. C0123ABCDEF`,
    '#zoom-alerts',
  );
}
