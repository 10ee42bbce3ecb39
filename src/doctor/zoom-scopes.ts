// Which `/zoom` commands the Zoom app's scopes allow: the README's scope table as data. A requirement is met by its
// granular scope or by any of the classic scopes that cover it (Zoom accepts either on a Server-to-Server app).
import { bad, good, type DoctorLine } from './line.js';

interface Need {
  granular: string;
  classic: readonly string[];
}

interface ScopeRow {
  /** The commands this row enables, as the README names them. */
  commands: string;
  needs: readonly Need[];
}

const need = (granular: string, ...classic: string[]): Need => ({ granular, classic });

export const SCOPE_TABLE: readonly ScopeRow[] = [
  { commands: 'every command (finding the Zoom user of "me", an email or a mention)', needs: [need('user:read:user:admin', 'user:read:admin')] },
  { commands: 'meeting list', needs: [need('meeting:read:list_meetings:admin', 'meeting:read:admin')] },
  { commands: 'meeting get, update, end, delete', needs: [need('meeting:read:meeting:admin', 'meeting:read:admin')] },
  { commands: 'meeting create', needs: [need('meeting:write:meeting:admin', 'meeting:write:admin')] },
  { commands: 'meeting update', needs: [need('meeting:update:meeting:admin', 'meeting:write:admin')] },
  { commands: 'meeting end', needs: [need('meeting:update:status:admin', 'meeting:write:admin')] },
  { commands: 'meeting delete', needs: [need('meeting:delete:meeting:admin', 'meeting:write:admin')] },
  { commands: 'meeting registrants and registrant changes', needs: [need('meeting:read:list_registrants:admin', 'meeting:read:admin')] },
  { commands: 'meeting register', needs: [need('meeting:write:registrant:admin', 'meeting:write:admin')] },
  { commands: 'meeting approve, deny, cancel-registration', needs: [need('meeting:update:registrant_status:admin', 'meeting:write:admin')] },
  { commands: 'webinar registrants and registrant changes', needs: [need('webinar:read:list_registrants:admin', 'webinar:read:admin')] },
  { commands: 'webinar register', needs: [need('webinar:write:registrant:admin', 'webinar:write:admin')] },
  { commands: 'webinar approve, deny, cancel-registration', needs: [need('webinar:update:registrant_status:admin', 'webinar:write:admin')] },
  { commands: 'webinar list', needs: [need('webinar:read:list_webinars:admin', 'webinar:read:admin')] },
  { commands: 'webinar get, update, end, delete', needs: [need('webinar:read:webinar:admin', 'webinar:read:admin')] },
  { commands: 'webinar create', needs: [need('webinar:write:webinar:admin', 'webinar:write:admin')] },
  { commands: 'webinar update', needs: [need('webinar:update:webinar:admin', 'webinar:write:admin')] },
  { commands: 'webinar end', needs: [need('webinar:update:status:admin', 'webinar:write:admin')] },
  { commands: 'webinar delete', needs: [need('webinar:delete:webinar:admin', 'webinar:write:admin')] },
  { commands: 'webinar panelists', needs: [need('webinar:read:list_panelists:admin', 'webinar:read:admin')] },
  { commands: 'webinar panelists add', needs: [need('webinar:write:panelist:admin', 'webinar:write:admin')] },
  { commands: 'webinar panelists remove', needs: [need('webinar:delete:panelist:admin', 'webinar:write:admin')] },
  { commands: 'phone calls, phone logs', needs: [need('phone:read:list_call_logs:admin', 'phone:read:admin', 'phone_call_log:read:admin')] },
  { commands: 'chat channels', needs: [need('team_chat:read:list_user_channels:admin', 'chat_channel:read:admin')] },
  { commands: 'chat send', needs: [need('team_chat:write:user_message:admin', 'chat_message:write:admin')] },
  { commands: 'users list, recordings list --all', needs: [need('user:read:list_users:admin', 'user:read:admin')] },
  { commands: 'users activity', needs: [need('report:read:user_activities:admin', 'report:read:admin')] },
  { commands: 'recordings list', needs: [need('cloud_recording:read:list_user_recordings:admin', 'recording:read:admin')] },
  { commands: 'recordings get, download', needs: [need('cloud_recording:read:list_recording_files:admin', 'recording:read:admin')] },
  {
    commands: 'recordings delete',
    needs: [need('cloud_recording:delete:meeting_recording:admin', 'recording:write:admin'), need('cloud_recording:delete:recording_file:admin', 'recording:write:admin')],
  },
  {
    commands: 'recordings recover',
    needs: [
      need('cloud_recording:update:recover_meeting_recordings:admin', 'recording:write:admin'),
      need('cloud_recording:update:recover_single_recording:admin', 'recording:write:admin'),
    ],
  },
];

/** One line per row of the table: the commands work, or which scopes each missing one needs. */
export function scopeLines(granted: readonly string[]): DoctorLine[] {
  const have = new Set(granted);
  return SCOPE_TABLE.map((row) => {
    const missing = row.needs.filter((n) => !have.has(n.granular) && !n.classic.some((c) => have.has(c)));
    if (missing.length === 0) return good('Zoom', `\`${row.commands}\` can work: its Zoom scopes are granted.`);
    const names = missing.map((n) => `\`${n.granular}\``).join(' and ');
    const classic = [...new Set(missing.flatMap((n) => n.classic))].map((c) => `\`${c}\``).join(' or ');
    return bad(
      'Zoom',
      `\`${row.commands}\` is blocked: the Zoom app lacks ${names}.`,
      `Add ${names} (or the classic ${classic}) to the Server-to-Server app's scopes in the Zoom App Marketplace.`,
    );
  });
}
