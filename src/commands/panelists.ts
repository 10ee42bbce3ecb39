// `/zoom webinar panelists [add|remove]`: who speaks at a webinar. Adds go to Zoom in batches of 30.
import { requireId, stringFlag } from './args.js';
import { audited } from './audited.js';
import type { CommandDef } from './command.js';
import { UsageError } from './errors.js';
import { EXAMPLE_ID } from './values/meeting-ids.js';
import { textMessage } from '../views/blocks.js';
import { escapeMrkdwn, formatMeetingId } from '../views/format.js';
import { panelistListMessage } from '../views/panelists.js';
import { addPanelists, listPanelists, removePanelist } from '../zoom/panelists.js';

const webinarId = { name: 'webinarId', type: 'meetingId' } as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const panelistCommands: CommandDef[] = [
  {
    path: ['webinar', 'panelists'],
    usage: 'webinar panelists <webinarId> [--public]',
    summary: "List a webinar's panelists.",
    example: `webinar panelists ${EXAMPLE_ID.webinar}`,
    access: 'read',
    args: { positionals: [webinarId], flags: { public: { type: 'boolean' } } },
    run: async (inv, args) => {
      const id = requireId(args, 'webinar');
      const { panelists, totalRecords } = await listPanelists(inv.services.zoom, id);
      await inv.reply(panelistListMessage(id, panelists, totalRecords), { public: args.flags.public === true });
    },
  },
  {
    path: ['webinar', 'panelists', 'add'],
    usage: 'webinar panelists add <webinarId> <email>… [--name <name>]',
    summary: 'Add panelists (any number; Zoom takes 30 a call). Without --name, the part of the email before @.',
    example: `webinar panelists add ${EXAMPLE_ID.webinar} ana@example.com bo@example.com`,
    access: 'write',
    args: {
      positionals: [webinarId, { name: 'emails', type: 'string', variadic: true }],
      flags: { name: { type: 'string' } },
    },
    run: async (inv, args) => {
      const id = requireId(args, 'webinar');
      const emails = [...new Set(args.positionals.slice(1))];
      const bad = emails.filter((e) => !EMAIL.test(e));
      if (emails.length === 0 || bad.length > 0) {
        throw new UsageError(bad.length ? `Not an email address: ${bad.join(', ')}.` : 'Give at least one email.');
      }
      const name = stringFlag(args, 'name');
      const panelists = emails.map((email) => ({ email, name: name ?? email.split('@')[0]! }));
      await audited(inv, `added ${emails.length} panelist(s) to webinar ${formatMeetingId(id)}: ${emails.join(', ')}`, () =>
        addPanelists(inv.services.zoom, id, panelists),
      );
      await inv.reply(
        textMessage(`:white_check_mark: Added to webinar ${formatMeetingId(id)}: ${emails.map(escapeMrkdwn).join(', ')}.`),
      );
    },
  },
  {
    path: ['webinar', 'panelists', 'remove'],
    usage: 'webinar panelists remove <webinarId> <email|panelistId>',
    summary: 'Remove one panelist.',
    example: `webinar panelists remove ${EXAMPLE_ID.webinar} ana@example.com`,
    access: 'write',
    args: { positionals: [webinarId, { name: 'panelist', type: 'string' }], flags: {} },
    run: async (inv, args) => {
      const id = requireId(args, 'webinar');
      const who = args.positionals[1] ?? '';
      await audited(inv, `removed panelist ${who} from webinar ${formatMeetingId(id)}`, () =>
        removePanelist(inv.services.zoom, id, who),
      );
      await inv.reply(textMessage(`:white_check_mark: Removed ${escapeMrkdwn(who)} from webinar ${formatMeetingId(id)}.`));
    },
  },
];
