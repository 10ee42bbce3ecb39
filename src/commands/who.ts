// Turns `<who>` (me, an email, a Zoom user ID, a Slack mention) into a Zoom user (docs/command-grammar.md, values).
import type { Invocation } from './context.js';
import { UsageError } from './errors.js';
import type { Who } from './values/people-channels.js';
import { getUser, type ZoomUser } from '../zoom/users.js';
import { ZoomApiError } from '../zoom/errors.js';

// Zoom answers 404 with code 1001 for a user that does not exist.
const USER_NOT_FOUND = 1001;

export async function resolveZoomUser(inv: Invocation, who: Who): Promise<ZoomUser> {
  let lookup: string;
  let origin: string;
  switch (who.kind) {
    case 'me':
      lookup = await slackEmail(inv, inv.person.id, 'your');
      origin = 'your Slack email';
      break;
    case 'slack':
      lookup = await slackEmail(inv, who.userId, `<@${who.userId}>'s`);
      origin = `<@${who.userId}>'s Slack email`;
      break;
    case 'email':
      lookup = who.email;
      origin = 'the email you gave';
      break;
    case 'zoomId':
      lookup = who.id;
      origin = 'the Zoom user ID you gave';
      break;
  }
  try {
    return await getUser(inv.services.zoom, lookup);
  } catch (error) {
    if (error instanceof ZoomApiError && (error.zoomCode === USER_NOT_FOUND || error.status === 404)) {
      throw new UsageError(`No Zoom user has ${lookup.includes('@') ? 'the email' : 'the ID'} ${lookup} (${origin}).`);
    }
    throw error;
  }
}

async function slackEmail(inv: Invocation, userId: string, whose: string): Promise<string> {
  const person = userId === inv.person.id ? inv.person : await inv.services.directory.person(userId);
  if (!person.email) {
    throw new UsageError(
      `Slack did not share ${whose} email, so the Zoom user cannot be found. Give an email instead, ` +
        'or add the users:read.email scope to the Slack app.',
    );
  }
  return person.email;
}
