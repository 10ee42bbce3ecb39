// Who a Slack user is, as far as the bot cares: time zone, email, workspace admin flags, group membership.
// users.info and usergroups.users.list are cached briefly per process so a burst of clicks costs one call.
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';

export interface SlackPerson {
  id: string;
  name: string;
  email?: string;
  /** IANA zone from the Slack profile; UTC when Slack has none. */
  tz: string;
  isWorkspaceAdmin: boolean;
  /** The user's own workspace: another organisation's for a Slack Connect guest of a shared channel. */
  teamId?: string;
  /** The user's Enterprise Grid organisation, if any. */
  enterpriseId?: string;
}

/** The workspace (and Enterprise Grid organisation) the bot is installed in, as auth.test names them. */
export interface SlackHome {
  teamId: string;
  enterpriseId?: string;
}

const userInfoSchema = z.object({
  user: z.looseObject({
    id: z.string(),
    name: z.string().optional(),
    real_name: z.string().optional(),
    tz: z.string().nullish(),
    is_admin: z.boolean().optional(),
    is_owner: z.boolean().optional(),
    is_primary_owner: z.boolean().optional(),
    team_id: z.string().optional(),
    enterprise_user: z.looseObject({ enterprise_id: z.string().optional() }).nullish(),
    profile: z.looseObject({ email: z.string().optional(), display_name: z.string().optional() }).optional(),
  }),
});

const authTestSchema = z.object({ team_id: z.string().min(1), enterprise_id: z.string().nullish() });

const groupMembersSchema = z.object({ users: z.array(z.string()).default([]) });

const TTL_MS = 5 * 60_000;

export class SlackDirectory {
  private readonly people = new Map<string, { at: number; value: Promise<SlackPerson> }>();
  private readonly groups = new Map<string, { at: number; value: Promise<string[]> }>();
  private installation?: Promise<SlackHome>;

  constructor(
    private readonly client: WebClient,
    private readonly now: () => number = Date.now,
  ) {}

  person(userId: string): Promise<SlackPerson> {
    return this.cached(this.people, userId, async () => {
      const { user } = userInfoSchema.parse(await this.client.users.info({ user: userId }));
      return {
        id: user.id,
        name: user.profile?.display_name || user.real_name || user.name || user.id,
        email: user.profile?.email || undefined,
        tz: user.tz || 'UTC',
        isWorkspaceAdmin: Boolean(user.is_admin || user.is_owner || user.is_primary_owner),
        teamId: user.team_id,
        enterpriseId: user.enterprise_user?.enterprise_id || undefined,
      };
    });
  }

  /** Asked once per process (the bot's token never moves to another workspace); a failed auth.test is asked again. */
  home(): Promise<SlackHome> {
    this.installation ??= this.client.auth.test().then((answer) => {
      const { team_id, enterprise_id } = authTestSchema.parse(answer);
      return { teamId: team_id, ...(enterprise_id ? { enterpriseId: enterprise_id } : {}) };
    });
    this.installation.catch(() => (this.installation = undefined));
    return this.installation;
  }

  groupMembers(groupId: string): Promise<string[]> {
    return this.cached(this.groups, groupId, async () => {
      return groupMembersSchema.parse(await this.client.usergroups.users.list({ usergroup: groupId })).users;
    });
  }

  private cached<T>(map: Map<string, { at: number; value: Promise<T> }>, key: string, load: () => Promise<T>) {
    const hit = map.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit.value;
    const value = load();
    map.set(key, { at: this.now(), value });
    // A failed lookup is not remembered: the next request tries again.
    value.catch(() => map.delete(key));
    return value;
  }
}
