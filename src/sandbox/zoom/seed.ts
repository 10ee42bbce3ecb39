// The sandbox's seeded account: fixed people, meetings, a webinar with 350 pending registrants (more than a page),
// recordings with real files, three weeks of phone calls, Team Chat channels and sign-in activity, and what help's
// examples name (seedHelpExamples), so each example works as printed. Deterministic: the same `now` always gives the
// same account; every time is relative to `now`.
import { DateTime } from 'luxon';
import { createRecording } from './api/recordings.js';
import {
  instanceUuid,
  sessionNumber,
  zoomStyleId,
  zoomTime,
  type CallParty,
  type CallRecord,
  type SandboxState,
  type SandboxUser,
  type Session,
  type SessionSettings,
  type StoredRegistrant,
} from './store.js';

export const ADMIN_EMAIL = 'admin@sandbox.zoomops.test';
export const MEMBER_EMAIL = 'member@sandbox.zoomops.test';
const DOMAIN = 'sandbox.zoomops.test';

/** A small deterministic PRNG (mulberry32), so "random" seed data is the same on every start. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIRST = ['Ava', 'Ben', 'Chloe', 'Diego', 'Elena', 'Farah', 'Gabe', 'Hana', 'Ivan', 'Jia', 'Kofi', 'Lena', 'Mateo', 'Nia', 'Omar', 'Pia', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Uma', 'Victor', 'Wen', 'Yusuf', 'Zoe'];
const LAST = ['Adams', 'Baker', 'Chen', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen', 'Kowalski', 'Lopez', 'Mensah', 'Novak', 'Okafor'];

function person(i: number): { first: string; last: string } {
  return { first: FIRST[i % FIRST.length] ?? 'Ava', last: LAST[Math.floor(i / FIRST.length) % LAST.length] ?? 'Adams' };
}

interface UserSpec {
  key: string;
  first: string;
  last: string;
  email: string;
  roleId: string;
  roleName: string;
  type?: 1 | 2;
  status?: SandboxUser['status'];
  webinar?: boolean;
  dept: string;
  timezone?: string;
  extension?: number;
}

const PEOPLE: UserSpec[] = [
  { key: 'admin', first: 'Alex', last: 'Admin', email: ADMIN_EMAIL, roleId: '0', roleName: 'Owner', webinar: true, dept: 'IT', extension: 101 },
  { key: 'member', first: 'Morgan', last: 'Member', email: MEMBER_EMAIL, roleId: '2', roleName: 'Member', dept: 'Sales', extension: 102 },
  { key: 'priya', first: 'Priya', last: 'Patel', email: `priya.patel@${DOMAIN}`, roleId: '1', roleName: 'Admin', webinar: true, dept: 'Marketing', timezone: 'Europe/London', extension: 103 },
  { key: 'sam', first: 'Sam', last: 'Lee', email: `sam.lee@${DOMAIN}`, roleId: '2', roleName: 'Member', type: 1, dept: 'Support', timezone: 'America/Los_Angeles', extension: 104 },
  { key: 'jordan', first: 'Jordan', last: 'Kim', email: `jordan.kim@${DOMAIN}`, roleId: '2', roleName: 'Member', status: 'inactive', dept: 'Engineering' },
  { key: 'taylor', first: 'Taylor', last: 'Brooks', email: `taylor.brooks@${DOMAIN}`, roleId: '2', roleName: 'Member', status: 'pending', dept: 'Engineering' },
];

/** The person help's examples name (`--user jane@example.com`): licensed, with webinars and a phone line. */
const JANE: UserSpec = { key: 'jane', first: 'Jane', last: 'Doe', email: 'jane@example.com', roleId: '2', roleName: 'Member', webinar: true, dept: 'Engineering', extension: 105 };

function seedUsers(state: SandboxState, now: DateTime): void {
  const specs = [...PEOPLE];
  // Enough colleagues that the account's user list runs past Zoom's default page of 30.
  for (let i = 0; i < 30; i++) {
    const { first, last } = person(i * 7 + 3);
    specs.push({ key: `staff${i}`, first, last, email: `${first}.${last}.${i}@${DOMAIN}`.toLowerCase(), roleId: '2', roleName: 'Member', dept: ['Engineering', 'Sales', 'Support', 'Finance'][i % 4] ?? 'Engineering' });
  }
  // Last, so adding her moved nobody else's created date or PMI.
  specs.push(JANE);
  specs.forEach((spec, i) => {
    state.users.push({
      id: zoomStyleId(`user:${spec.key}`),
      email: spec.email,
      firstName: spec.first,
      lastName: spec.last,
      type: spec.type ?? 2,
      status: spec.status ?? 'active',
      roleId: spec.roleId,
      roleName: spec.roleName,
      dept: spec.dept,
      timezone: spec.timezone ?? 'America/New_York',
      createdAt: zoomTime(now.minus({ days: 400 - i }).toJSDate()),
      lastLoginTime: zoomTime(now.minus({ hours: 3 + i * 5 }).toJSDate()),
      pmi: 5_550_100_000 + i * 1_017,
      webinar: spec.webinar ?? false,
      ...(spec.extension
        ? { phone: { extensionId: zoomStyleId(`ext:${spec.key}`), extensionNumber: spec.extension, phoneNumber: `+1646555${String(spec.extension).padStart(4, '0')}` } }
        : {}),
    });
  });
}

function userByKey(state: SandboxState, key: string): SandboxUser {
  const id = zoomStyleId(`user:${key}`);
  const user = state.users.find((u) => u.id === id);
  if (!user) throw new Error(`sandbox seed: no user ${key}`);
  return user;
}

const SETTINGS: SessionSettings = {
  approval_type: 2,
  host_video: true,
  participant_video: false,
  join_before_host: false,
  waiting_room: true,
  mute_upon_entry: true,
  auto_recording: 'cloud',
  alternative_hosts: '',
};

interface SessionSpec extends Partial<Omit<Session, 'settings'>> {
  key: string;
  host: SandboxUser;
  topic: string;
  type: number;
  start?: DateTime;
  settings?: Partial<SessionSettings>;
}

function addSession(state: SandboxState, now: DateTime, spec: SessionSpec): Session {
  const { key, host, start, settings, ...rest } = spec;
  const session: Session = {
    kind: [5, 6, 9].includes(spec.type) ? 'webinar' : 'meeting',
    id: sessionNumber(`seed:${key}`),
    uuid: spec.uuid ?? instanceUuid(`seed:${key}`),
    hostId: host.id,
    duration: 60,
    timezone: host.timezone,
    agenda: '',
    password: zoomStyleId(`pwd:${key}`).replace(/[^A-Za-z0-9]/g, '').slice(0, 6),
    createdAt: zoomTime(now.minus({ days: 30 }).toJSDate()),
    deletedOccurrences: [],
    status: 'waiting',
    ...rest,
    ...(start ? { startTime: zoomTime(start.toJSDate()) } : {}),
    settings: { ...SETTINGS, ...settings },
  };
  state.sessions.set(session.id, session);
  return session;
}

function registrants(state: SandboxState, session: Session, now: DateTime, counts: Record<StoredRegistrant['status'], number>, offset: number): void {
  const list: StoredRegistrant[] = [];
  let n = offset;
  for (const status of ['pending', 'approved', 'denied'] as const) {
    for (let i = 0; i < counts[status]; i++, n++) {
      const { first, last } = person(n);
      list.push({
        id: zoomStyleId(`registrant:${session.id}:${n}`),
        email: `${first}.${last}.${n}@example.com`.toLowerCase(),
        firstName: first,
        lastName: last,
        status,
        createTime: zoomTime(now.minus({ minutes: 20 + n * 37 }).toJSDate()),
        pinCode: 100_000 + ((n * 7_919) % 900_000),
      });
    }
  }
  state.registrants.set(session.id, list);
}

function seedSessions(state: SandboxState, now: DateTime): void {
  const admin = userByKey(state, 'admin');
  const member = userByKey(state, 'member');
  const priya = userByKey(state, 'priya');
  const at = (user: SandboxUser, days: number, hour: number) =>
    now.setZone(user.timezone).plus({ days }).set({ hour, minute: 0, second: 0, millisecond: 0 });
  const nextMonday = now.setZone(admin.timezone).plus({ weeks: 1 }).startOf('week').set({ hour: 10 });

  addSession(state, now, {
    key: 'team-sync', host: admin, topic: 'Weekly team sync', type: 8, start: nextMonday, duration: 30,
    agenda: 'Wins, blockers, and what ships this week.',
    recurrence: { type: 2, repeat_interval: 1, weekly_days: '2,4', end_times: 12 },
  });
  addSession(state, now, { key: 'planning', host: admin, topic: 'Quarterly planning', type: 2, start: at(admin, 3, 14), duration: 90, agenda: 'Goals and budget for next quarter.' });
  const onboarding = addSession(state, now, {
    key: 'onboarding', host: admin, topic: 'Customer onboarding: Acme Corp', type: 2, start: at(admin, 5, 11), duration: 45,
    agenda: 'Walkthrough for new Acme users. Registration needs approval.', settings: { approval_type: 1, registration_type: 1 },
  });
  registrants(state, onboarding, now, { pending: 4, approved: 3, denied: 1 }, 0);
  addSession(state, now, { key: 'office-hours', host: admin, topic: 'Open office hours', type: 3, duration: 60, agenda: 'Drop in with any Zoom question.' });
  addSession(state, now, { key: 'one-on-one', host: admin, topic: '1:1 Alex / Morgan', type: 2, start: at(admin, 1, 9), duration: 30 });
  addSession(state, now, { key: 'incident', host: admin, topic: 'Incident bridge', type: 1, start: now.minus({ minutes: 25 }), duration: 60, status: 'started' });
  addSession(state, now, { key: 'design-review', host: member, topic: 'Design review', type: 2, start: at(member, 2, 15), duration: 60 });
  addSession(state, now, { key: 'pipeline', host: member, topic: 'Sales pipeline review', type: 2, start: at(member, 4, 16), duration: 45 });

  const launch = addSession(state, now, {
    key: 'launch-webinar', host: admin, topic: 'Product launch webinar', type: 5, start: at(admin, 10, 17), duration: 90,
    agenda: 'Live demo of the new release, with Q&A.', settings: { approval_type: 1, registration_type: 1 },
  });
  // 350 pending: more than one page even at Zoom's maximum page size of 300.
  registrants(state, launch, now, { pending: 350, approved: 25, denied: 5 }, 100);
  state.panelists.set(launch.id, [
    { id: zoomStyleId('panelist:priya'), email: priya.email, name: 'Priya Patel' },
    { id: zoomStyleId('panelist:guest1'), email: 'dana.guest@example.com', name: 'Dana Guest' },
    { id: zoomStyleId('panelist:guest2'), email: 'lee.speaker@example.com', name: 'Lee Speaker' },
    { id: zoomStyleId('panelist:guest3'), email: 'rin.expert@example.com', name: 'Rin Expert' },
  ]);
  const ama = addSession(state, now, {
    key: 'ama', host: priya, topic: 'Monthly customer AMA', type: 9, start: at(priya, 7, 16), duration: 60,
    recurrence: { type: 3, repeat_interval: 1, monthly_day: Math.min(at(priya, 7, 16).day, 28), end_times: 6 }, settings: { approval_type: 0 },
  });
  registrants(state, ama, now, { pending: 0, approved: 12, denied: 0 }, 600);
}

const LINES: Array<[string, string]> = [
  ['Alex Admin', 'Good morning everyone, thanks for joining.'],
  ['Morgan Member', 'Morning! Can everyone see my screen?'],
  ['Priya Patel', 'Yes, looks good. Let us start with the numbers.'],
  ['Alex Admin', 'Action items are in the doc; see you next week.'],
];

function seedRecordings(state: SandboxState, now: DateTime): void {
  const admin = userByKey(state, 'admin');
  const member = userByKey(state, 'member');
  const past: Array<{ key: string; host: SandboxUser; topic: string; daysAgo: number; duration: number; uuid?: string; trashed?: boolean }> = [
    { key: 'all-hands', host: admin, topic: 'All-hands', daysAgo: 7, duration: 55 },
    // A UUID with "/" at the start and "//" inside: Zoom wants it double-encoded in paths.
    { key: 'retro', host: admin, topic: 'Sprint retro', daysAgo: 3, duration: 40, uuid: '/Zx9kQ2m//R8aFYtpLb3wQ==' },
    { key: 'globex', host: member, topic: 'Customer call: Globex', daysAgo: 12, duration: 30 },
    { key: 'old-demo', host: admin, topic: 'Old product demo', daysAgo: 20, duration: 25, trashed: true },
  ];
  for (const spec of past) {
    const start = now.setZone(spec.host.timezone).minus({ days: spec.daysAgo }).set({ hour: 13, minute: 0, second: 0, millisecond: 0 });
    const uuid = spec.uuid ?? instanceUuid(`seed:past:${spec.key}`);
    const session = addSession(state, now, {
      key: `past:${spec.key}`, host: spec.host, topic: spec.topic, type: 2, start, duration: spec.duration, uuid,
      endedAt: zoomTime(start.plus({ minutes: spec.duration }).toJSDate()),
    });
    const recording = createRecording({
      meetingId: session.id, uuid, hostId: spec.host.id, topic: spec.topic, type: 2, start: start.toJSDate(),
      duration: spec.duration, timezone: session.timezone, password: session.password, lines: LINES,
    });
    if (spec.trashed) recording.trashedAt = zoomTime(now.minus({ days: 2 }).toJSDate());
    state.recordings.push(recording);
    // The next instance of a recurring or reused meeting gets a fresh UUID; the recording keeps the old one.
    session.uuid = instanceUuid(`seed:past:${spec.key}:next`);
  }
}

function seedCalls(state: SandboxState, now: DateTime): void {
  const random = prng(20240611);
  const lines = state.users.filter((u) => u.phone && u.status === 'active');
  const asParty = (u: SandboxUser): CallParty => ({
    userId: u.id, name: `${u.firstName} ${u.lastName}`, phoneNumber: u.phone?.phoneNumber ?? '', extensionNumber: u.phone?.extensionNumber, extensionId: u.phone?.extensionId, email: u.email,
  });
  const outside = (i: number): CallParty => ({ name: ['Acme Corp', 'Globex', 'Initech', 'Unknown caller'][i % 4] ?? 'Unknown caller', phoneNumber: `+1212555${String(1000 + i * 37).slice(-4)}` });
  for (let i = 0; i < 80; i++) {
    const user = lines[Math.floor(random() * lines.length)];
    if (!user) break;
    const start = now.minus({ days: random() * 21, minutes: 5 }).set({ second: 0, millisecond: 0 });
    const kind = random();
    const other = lines[Math.floor(random() * lines.length)];
    const internal = kind < 0.25 && other && other.id !== user.id;
    const inbound = kind >= 0.25 && kind < 0.7;
    const roll = random();
    const result: CallRecord['result'] = roll < 0.65 ? 'answered' : roll < 0.8 ? 'voicemail' : roll < 0.92 ? 'canceled' : 'hang_up';
    const ring = 5 + Math.floor(random() * 20);
    const talk = result === 'answered' ? 30 + Math.floor(random() * 900) : result === 'voicemail' ? 20 + Math.floor(random() * 40) : 0;
    const answer = result === 'answered' || result === 'voicemail' ? start.plus({ seconds: ring }) : undefined;
    const end = start.plus({ seconds: ring + talk });
    const me = asParty(user);
    const them = internal && other ? asParty(other) : outside(i);
    state.calls.push({
      uuid: `${start.toFormat('yyyyMMdd')}-${zoomStyleId(`call:${i}`).toLowerCase()}`,
      callId: String(7_018_317_023_722_949_162n + BigInt(i) * 7_919n),
      direction: inbound ? 'inbound' : 'outbound',
      connectType: internal ? 'internal' : 'external',
      startTime: zoomTime(start.toJSDate()),
      ...(answer ? { answerTime: zoomTime(answer.toJSDate()) } : {}),
      endTime: zoomTime(end.toJSDate()),
      duration: ring + talk,
      result,
      caller: inbound ? them : me,
      callee: inbound ? me : them,
      recorded: result === 'answered' && random() < 0.3,
    });
  }
}

function seedChat(state: SandboxState, now: DateTime): void {
  const ids = (keys: string[]) => keys.map((k) => userByKey(state, k).id);
  const channel = (key: string, name: string, type: number, members: string[]) => {
    const id = zoomStyleId(`channel:${key}`).replace(/[-_]/g, 'x').toLowerCase();
    state.channels.push({ id, jid: `${id}@conference.xmpp.zoom.us`, name, type, memberIds: ids(members) });
  };
  channel('general', 'General', 3, ['admin', 'member', 'priya', 'sam']);
  channel('support', 'Support', 3, ['admin', 'sam']);
  // Two channels whose names differ only by a word, so "sales" has to be disambiguated.
  channel('sales', 'Sales', 3, ['admin', 'member']);
  channel('sales-ops', 'Sales Ops', 1, ['admin', 'member', 'priya']);
  channel('it-admins', 'IT Admins', 1, ['admin', 'priya']);
  // Help's `chat channels eng --user jane@example.com` and `chat send --as jane@example.com engineering …`.
  channel('engineering', 'Engineering', 3, ['jane', 'priya', 'sam']);
  const general = state.channels[0];
  if (general) {
    state.messages.push({
      id: zoomStyleId('message:welcome'), senderId: userByKey(state, 'admin').id, channelId: general.id,
      message: 'Welcome to the ZoomOps sandbox account!', dateTime: zoomTime(now.minus({ days: 2 }).toJSDate()),
    });
  }
}

function seedActivities(state: SandboxState, now: DateTime): void {
  const random = prng(7);
  const clients = [['Mac', '6.2.5.41699'], ['Windows', '6.2.3.40682'], ['iOS', '6.2.2.21456'], ['Browser', '6.2.0']] as const;
  const active = state.users.filter((u) => u.status === 'active').slice(0, 8);
  for (let day = 14; day >= 0; day--) {
    for (const user of active) {
      if (random() < 0.35) continue;
      const [clientType, version] = clients[Math.floor(random() * clients.length)] ?? clients[0];
      const signIn = now.minus({ days: day }).set({ hour: 8 + Math.floor(random() * 3), minute: Math.floor(random() * 60), second: 0, millisecond: 0 });
      const ip = `198.51.100.${10 + state.users.indexOf(user)}`;
      state.activities.push({ email: user.email, time: zoomTime(signIn.toJSDate()), type: 'Sign in', clientType, version, ipAddress: ip });
      const signOut = signIn.plus({ hours: 8, minutes: Math.floor(random() * 60) });
      if (signOut < now) state.activities.push({ email: user.email, time: zoomTime(signOut.toJSDate()), type: 'Sign out', clientType, version, ipAddress: ip });
    }
  }
}

/** The IDs help's examples print (src/commands/): a meeting, a webinar (IDs are unique across both), a recording file. */
const EXAMPLE_MEETING_ID = 81_234_567_890;
const EXAMPLE_WEBINAR_ID = 84_567_890_123;
const EXAMPLE_FILE_ID = 'ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8';

/**
 * What help's examples name, so a newcomer trying one in the sandbox sees it work (test/e2e/sandbox-examples.test.ts
 * runs them all): Jane's weekly meeting 812 3456 7890 with registration by hand and last week's instance recorded
 * (file ed6c2f27-…), her webinar 845 6789 0123 with a panelist, a meeting of hers that ended this week, and Jane
 * pending on both registrations, so approve, deny and cancel-registration work in any order.
 */
function seedHelpExamples(state: SandboxState, now: DateTime): void {
  const jane = userByKey(state, 'jane');
  const local = now.setZone(jane.timezone).set({ minute: 0, second: 0, millisecond: 0 });
  const byHand = { approval_type: 1, registration_type: 1 } as const;

  const lastWeek = local.minus({ days: 5 }).set({ hour: 10 });
  const meeting = addSession(state, now, {
    key: 'example-meeting', id: EXAMPLE_MEETING_ID, host: jane, topic: 'Engineering weekly', type: 8, start: lastWeek, duration: 45,
    agenda: 'Demos, incidents, and what ships next.', recurrence: { type: 2, repeat_interval: 1, end_times: 12 }, settings: byHand,
  });
  registrants(state, meeting, now, { pending: 2, approved: 5, denied: 0 }, 700);
  const recording = createRecording({
    meetingId: meeting.id, uuid: instanceUuid('seed:example-meeting:last-week'), hostId: jane.id, topic: meeting.topic, type: 8,
    start: lastWeek.toJSDate(), duration: 45, timezone: meeting.timezone, password: meeting.password, lines: LINES,
  });
  recording.files[0]!.id = EXAMPLE_FILE_ID;
  state.recordings.push(recording);

  const twoDaysAgo = local.minus({ days: 2 }).set({ hour: 14 });
  addSession(state, now, {
    key: 'example-previous', host: jane, topic: 'Architecture review', type: 2, start: twoDaysAgo, duration: 60,
    endedAt: zoomTime(twoDaysAgo.plus({ minutes: 60 }).toJSDate()),
  });

  const webinar = addSession(state, now, {
    key: 'example-webinar', id: EXAMPLE_WEBINAR_ID, host: jane, topic: 'Engineering open house', type: 9, start: local.plus({ days: 6 }).set({ hour: 16 }),
    duration: 60, agenda: 'How we build, with Q&A.', recurrence: { type: 3, repeat_interval: 1, monthly_day: Math.min(local.plus({ days: 6 }).day, 28), end_times: 6 }, settings: byHand,
  });
  registrants(state, webinar, now, { pending: 2, approved: 8, denied: 1 }, 800);
  state.panelists.set(webinar.id, [{ id: zoomStyleId('panelist:ana'), email: 'ana@example.com', name: 'Ana Example' }]);

  for (const session of [meeting, webinar]) {
    state.registrants.get(session.id)?.unshift({
      id: zoomStyleId(`registrant:${session.id}:jane`), email: jane.email, firstName: jane.firstName, lastName: jane.lastName, status: 'pending',
      createTime: zoomTime(now.minus({ hours: 5 }).toJSDate()), pinCode: 424_242,
    });
  }
}

/** Fills an empty state with the seeded account, relative to `now`. */
export function seedAccount(state: SandboxState, nowDate: Date): void {
  const now = DateTime.fromJSDate(nowDate, { zone: 'UTC' }).set({ millisecond: 0 });
  seedUsers(state, now);
  seedSessions(state, now);
  seedRecordings(state, now);
  seedCalls(state, now);
  seedChat(state, now);
  seedActivities(state, now);
  seedHelpExamples(state, now);
}
