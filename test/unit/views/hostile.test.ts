// Every view builder, rendered with hostile text in every field that comes from Zoom (topics, names, emails, URLs,
// reasons, file names …): nothing in the Slack `text` fallback or any mrkdwn text may become markup — no special
// mention (`<!channel>`, `<!here>`), no user or channel mention, no link to somewhere else, no link whose label
// pretends to be something else, no bare `&` that Slack would read as an entity. fast-check draws the strings, so
// each run tries other mixes of the fragments that broke real chat bots.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as alerts from '../../../src/views/alerts.js';
import * as api from '../../../src/views/api.js';
import * as blocks from '../../../src/views/blocks.js';
import * as chat from '../../../src/views/chat.js';
import * as confirm from '../../../src/views/confirm.js';
import * as csv from '../../../src/views/csv.js';
import * as doctor from '../../../src/views/doctor.js';
import { bad, good } from '../../../src/doctor/line.js';
import * as errors from '../../../src/views/errors.js';
import * as help from '../../../src/views/help.js';
import * as history from '../../../src/views/history.js';
import * as jobs from '../../../src/views/jobs.js';
import * as panelists from '../../../src/views/panelists.js';
import * as phone from '../../../src/views/phone.js';
import * as recordings from '../../../src/views/recordings.js';
import * as registrants from '../../../src/views/registrants.js';
import * as ruleDecisions from '../../../src/views/rule-decisions.js';
import * as ruleUndo from '../../../src/views/rule-undo.js';
import * as rules from '../../../src/views/rules.js';
import * as shareRecording from '../../../src/views/share-recording.js';
import { evaluate } from '../../../src/rules/evaluate.js';
import type { RuleSet } from '../../../src/rules/model.js';
import * as sessions from '../../../src/views/meetings-webinars.js';
import * as sessionList from '../../../src/views/meeting-webinar-list.js';
import * as recurrence from '../../../src/views/recurrence.js';
import * as timeZones from '../../../src/views/time-zones.js';
import * as users from '../../../src/views/users.js';
import * as watch from '../../../src/views/watch.js';
import type { ZoomEvent } from '../../../src/zoom/events.js';
import { DateTime } from 'luxon';

const MARK = 'EVIL';
// What a Zoom user can type into a topic, a name, an agenda or a chat message.
const FRAGMENTS = [
  '<!channel>', '<!here>', '<!everyone>', '<!subteam^S0EVIL>', `<@U0${MARK}>`, `<#C0${MARK}>`, `<https://${MARK}.test|Click here>`,
  `<mailto:boss@${MARK}.test|CEO>`, `|fake ${MARK} label`, '<', '>', '&', '&lt;!channel&gt;', '*', '_', '~', '`', '```', '\n', '> ', ' ', MARK,
];
const hostile = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 6 }).map((parts) => `${MARK}${parts.join('')}`);
// Emails and URLs keep their shape (Zoom checks little of either), with the hostile part where it hurts most.
const hostileEmail = hostile.map((h) => `a${h}@zoom.test`);
const hostileUrl = hostile.map((h) => `https://zoom.test/j/81234567890?pwd=x${h}`);

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What is wrong with one piece of mrkdwn (or a fallback text, which Slack parses the same way). */
function problemsOf(text: string): string[] {
  const found: string[] = [];
  if (text.includes('<!')) found.push('a special mention <!…>');
  if (/&(?!amp;|lt;|gt;)/.test(text)) found.push('a bare &');
  for (const [, token] of text.matchAll(/<([^<>]*)>/g)) {
    const bar = token!.indexOf('|');
    const target = bar === -1 ? token! : token!.slice(0, bar);
    const label = bar === -1 ? undefined : token!.slice(bar + 1);
    if (/^[@#]/.test(target)) {
      if (!/^[@#][A-Z0-9]+$/.test(target) || target.includes(MARK)) found.push(`a mention made of Zoom text: <${token}>`);
    } else if (target.startsWith('mailto:')) {
      // The label is the address itself, escaped: never words of the sender's choosing.
      if (label === undefined || unescape(label).replace(/[|<>&\s]/g, '') !== target.slice('mailto:'.length)) found.push(`a mailto link with a label other than its address: <${token}>`);
    } else if (/^https?:\/\//.test(target)) {
      if (!/^https:\/\/(zoom\.test|zoom\.us|example\.com)[/?]/.test(target)) found.push(`a link to a host Zoom did not give: <${token}>`);
      if (label !== undefined && label.includes(MARK) && !unescape(label).startsWith('https://zoom.test/')) found.push(`a link label made of Zoom text: <${token}>`);
    } else {
      found.push(`markup made of Zoom text: <${token}>`);
    }
  }
  return found;
}

/** Every piece of text Slack parses as mrkdwn in a message, modal or string answer. */
function mrkdwnTexts(rendered: unknown): string[] {
  if (typeof rendered === 'string') return [rendered];
  const out: string[] = [];
  const message = rendered as { text?: unknown };
  if (typeof message.text === 'string') out.push(message.text);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    for (const [key, value] of Object.entries(o)) if (key !== 'text' || typeof value !== 'string') walk(value);
  };
  walk((rendered as { blocks?: unknown }).blocks);
  walk((rendered as { view?: unknown }).view ?? []);
  return out;
}

const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/zoom-events.json', import.meta.url), 'utf8')) as Record<string, ZoomEvent>;

/** The event with every string Zoom sent replaced by a hostile one of the same kind; numbers and times kept. */
function poisoned(event: ZoomEvent, h: { text: string; email: string; url: string }): ZoomEvent {
  const visit = (value: unknown, key: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => visit(v, key));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, k)]));
    if (typeof value !== 'string' || key === 'event' || /time|date|timezone|_ts$/.test(key) || /^\d+$/.test(value)) return value;
    if (/email/.test(key)) return h.email;
    if (/url/.test(key)) return h.url;
    return h.text;
  };
  return { ...event, payload: visit(event.payload, 'payload') as ZoomEvent['payload'] };
}

type Hostile = { text: string; email: string; url: string; other: string };
const hostiles: fc.Arbitrary<Hostile> = fc.record({ text: hostile, email: hostileEmail, url: hostileUrl, other: hostile });

const session = (h: Hostile) => ({
  id: '81234567890',
  topic: h.text,
  start_time: '2026-12-10T16:00:00Z',
  duration: 60,
  host_email: h.email,
  host_id: h.other,
  timezone: 'Europe/Berlin',
  join_url: h.url,
  registration_url: h.url,
  agenda: h.other,
  settings: { approval_type: 1 },
  occurrences: [{ occurrence_id: '1765382400000', start_time: '2026-12-10T16:00:00Z', status: 'available' }],
}) as unknown as sessions.Session;
const registrant = (h: Hostile) => ({ id: 'reg-1', email: h.email, first_name: h.text, last_name: h.other, status: 'pending', create_time: '2026-12-01T10:00:00Z' }) as never;
// A watch holds no Zoom text: its event names are checked against Zoom's pattern when it is set up.
const watchOf = (_h: Hostile) => ({ topic: 'events', events: ['meeting.started'], narrowed: false, createdBy: 'UADMIN', zone: 'UTC', createdAt: '2026-12-01T00:00:00Z' });

const undoRef = (h: Hostile) => ({ k: 'webinar', s: '81234567890', r: h.other, e: h.email, d: 'approve', at: 0, o: h.other }) as const;
const applyPreview = (h: Hostile) => ({
  kind: 'meeting', sessionId: '81234567890', occurrenceId: h.other, pending: 3, approve: 1, approveDomains: [h.text, h.other], deny: 1, leave: 1, pastCap: 1, capLeft: 0,
}) as const;

/** Each builder with hostile text in every field that can carry Zoom's (or a typed) text. */
const RENDER: Record<string, (h: Hostile) => unknown> = {
  'alerts.alertMessage': () => undefined, // every event, below
  'alerts.alertSummary': () => undefined,
  'alerts.digestMessage': (h) =>
    alerts.digestMessage({ counts: { 'meeting.started': 30 }, lines: [alerts.alertSummary(poisoned(fixtures['meeting.started']!, h), 'UTC')], zone: 'UTC', pending: { 'meeting:81234567890': 3 }, showAll: '1733150000000-0a1b2c3d',
      // The most waiting registrants it offers a decision on, each with a poisoned line and email.
      waiting: Array.from({ length: 12 }, (_, i) => ({ k: 'meeting' as const, s: '81234567890', r: `r${i}-${h.other}`, e: h.email, l: alerts.alertSummary(poisoned(fixtures['meeting.started']!, h), 'UTC') })),
      decided: { [`r4-${h.other}`]: { action: 'deny' as const, by: 'U1' } } }),
  'alerts.pendingRegistrationCard': (h) => alerts.pendingRegistrationCard({ k: 'webinar', s: '81234567890', r: h.other, e: h.email, name: h.text, topic: h.other, at: 1_796_000_000_000 }, 'UTC'),
  'alerts.digestListMessage': (h) => alerts.digestListMessage(Array.from({ length: 60 }, () => alerts.alertSummary(poisoned(fixtures['meeting.started']!, h), 'UTC'))),
  'api.apiAnswerMessage': (h) => api.apiAnswerMessage({ method: 'GET', path: `/users/${h.text}`, status: 200, trackingId: h.other, body: h.text, fileNote: undefined }),
  'api.apiRefusalMessage': (h) => api.apiRefusalMessage({ method: 'GET', path: `/users/${h.text}`, status: 404, code: 1001, message: h.other, trackingId: h.other }),
  'api.bodyPreview': (h) => api.bodyPreview({ topic: h.text }),
  'chat.channelListMessage': (h) => chat.channelListMessage({ owner: h.email, filter: h.other, channels: [{ id: 'ch1', name: h.text, type: 3 }] as never }),
  'chat.whichChannelMessage': (h) => chat.whichChannelMessage({ typed: h.other, candidates: [{ channel: { id: 'ch1', name: h.text, type: 3 } as never, value: 'v' }], more: 2 }),
  'chat.messageSentLine': (h) => chat.messageSentLine({ sender: h.email, to: h.text, messageId: 'm1' }),
  'confirm.confirmationPrompt': (h) => confirm.confirmationPrompt({ question: `Delete ${blocksSafe(h.text)}?`, confirmLabel: 'Delete', actionId: 'x', value: 'v' }),
  'csv.csvFileComment': (h) => csv.csvFileComment({ title: h.text, count: 3, noun: 'rows' }),
  'csv.csvSentLine': (h) => csv.csvSentLine({ count: 3, noun: 'meetings', filename: h.text }),
  'errors.renderError': (h) => errors.renderError(new Error(h.text)),
  'history.formatPeriod': () => history.formatPeriod('2026-11-01T00:00:00Z', '2026-11-30T00:00:00Z', 'UTC'),
  'jobs.registrantJobMessage': (h) =>
    jobs.registrantJobMessage({
      jobId: 'j1', description: h.text, state: 'finished', done: 2, total: 2, failed: 1, changed: 1,
      unchanged: [{ registrant: { id: 'r', email: h.email }, status: 'approved' }], missing: [h.email],
      failures: [{ registrant: { id: 'r2', email: h.email }, reason: h.other }],
    } as never),
  'jobs.jobFailedMessage': (h) => jobs.jobFailedMessage({ jobId: 'j1', description: h.text, reason: h.other, attempts: 3, command: '/zoom' }),
  'jobs.jobStatusMessage': (h) => jobs.jobStatusMessage({ id: 'j1', state: 'failed', description: h.text, userId: 'UADMIN', progress: { done: 1, total: 2, detail: h.other }, failedReason: h.other, attempts: 2, createdAt: 0 }, 'UTC'),
  'jobs.jobListMessage': (h) => jobs.jobListMessage('Jobs', [{ id: 'j1', state: 'active', description: h.text, createdAt: 0 }], 'none'),
  'panelists.panelistListMessage': (h) => panelists.panelistListMessage('81234567890', [{ id: 'p1', name: h.text, email: h.email }] as never, 1),
  'phone.phoneCallsMessage': (h) =>
    phone.phoneCallsMessage({
      title: `Calls of ${h.email}`, period: h.other, zone: 'UTC', csv: 'c',
      calls: [{ direction: h.other, startTime: '2026-11-01T10:00:00Z', durationSeconds: 30, result: h.other, caller: { name: h.text, number: h.other }, callee: { email: h.email, extension: h.other } }] as never,
    }),
  'phone.partyLabel': (h) => blocksSafe(phone.partyLabel({ name: h.text, number: h.other } as never)),
  'recordings.recordingListMessage': (h) =>
    recordings.recordingListMessage({ title: `Recordings of ${h.email}`, period: h.other, zone: 'UTC', recordings: [{ uuid: 'u==', meetingId: '81234567890', topic: h.text, startTime: '2026-11-01T10:00:00Z', files: 2, bytes: 10, host: h.email }], next: 'n', csv: 'c' }),
  'recordings.recordingDetailMessage': (h) =>
    recordings.recordingDetailMessage({ uuid: 'u==', meetingId: '81234567890', topic: h.text, startTime: '2026-11-01T10:00:00Z', zone: 'UTC', notice: undefined, files: [{ id: 'f1', fileType: h.other, recordingType: h.text, bytes: 5 }] }),
  'recordings.downloadProgressMessage': (h) => recordings.downloadProgressMessage({ jobId: 'j1', description: h.text, state: 'running', done: 1, total: 2, rate: 1, file: { index: 1, count: 2, name: h.other } } as never),
  'recordings.downloadSummaryMessage': (h) =>
    recordings.downloadSummaryMessage({ jobId: 'j1', description: h.text, meetingUuid: 'u==', saved: [{ id: 'f1', name: h.other, path: `/data/${h.other}`, bytes: 5 }], failures: [{ name: h.text, reason: h.other }] } as never),
  'recordings.autoDownloadNote': () => recordings.autoDownloadNote({ jobId: 'j1', progressChannel: 'C1', startedBy: 'UADMIN', command: '/zoom' }),
  'recordings.joinedDownloadText': () => recordings.joinedDownloadText({ jobId: 'j1', viewer: 'UADMIN', startedBy: 'UOTHER', command: '/zoom' }),
  'registrants.registrantListMessage': (h) => registrants.registrantListMessage({ kind: 'meeting', sessionId: '81234567890', topic: h.other, status: 'pending', registrants: [registrant(h)], counts: { pending: 1 }, zone: 'UTC', notice: undefined }),
  'registrants.statusChangeSummary': (h) =>
    registrants.statusChangeSummary({ verb: 'Approved', changed: [{ id: 'r', email: h.email }], unchanged: [{ registrant: { id: 'r', email: h.email }, status: 'approved' }], missing: [h.email], failed: [{ registrant: { id: 'r', email: h.email }, reason: h.other }] } as never),
  'rule-undo.undoPrompt': (h) => ruleUndo.undoPrompt({ line: undoRef(h), decidedAt: DateTime.fromMillis(0), zone: 'UTC', value: 'v' }),
  'rule-undo.undoneNotice': () => ruleUndo.undoneNotice('UADMIN', 'approve'),
  'rule-undo.undoOutcomeText': (h) =>
    (['undone', 'already', 'changed', 'registrant-gone', 'session-gone'] as const)
      .map((kind) => ruleUndo.undoOutcomeText(undoRef(h), { kind, decision: 'approve', by: 'UADMIN', status: h.other } as never))
      .join('\n'),
  'rule-undo.markUndone': (h) => ({
    text: 'decisions',
    blocks: ruleUndo.markUndone(
      [
        { type: 'section', text: { type: 'mrkdwn', text: blocksSafe(h.email) }, accessory: { type: 'button', text: { type: 'plain_text', text: 'Undo' }, action_id: 'rules.undo', value: JSON.stringify(undoRef(h)) } },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Undo' }, action_id: 'rules.undo', value: JSON.stringify(undoRef(h)) }] },
      ],
      [{ line: undoRef(h), notice: ruleUndo.undoneNotice('UADMIN', 'deny') }],
    ),
  }),
  'rule-undo.applyPreviewText': (h) => ruleUndo.applyPreviewText(applyPreview(h)),
  'rule-undo.applyShadowMessage': (h) => ruleUndo.applyShadowMessage(applyPreview(h), { kind: 'account' }, '/zoom'),
  'rule-undo.applyPrompt': (h) => ruleUndo.applyPrompt(applyPreview(h), 'v'),
  'meetings-webinars.sessionFormNotice': (h) => sessions.sessionFormNotice('meeting', 'Schedule', blocksSafe(h.text)),
  'meetings-webinars.sessionForm': () => undefined, // plain_text inputs only: Slack parses no markup in them
  'meeting-webinar-list.sessionListMessage': (h) => sessionList.sessionListMessage('meeting', { sessions: [session(h)], userLabel: h.email, type: 'upcoming', zone: 'UTC', totalRecords: 1 }),
  'meetings-webinars.sessionCard': (h) => sessions.sessionCard('meeting', session(h), 'UTC'),
  'recurrence.describeRecurrence': () => recurrence.describeRecurrence({ type: 1, repeat_interval: 1 } as never),
  'users.userListMessage': (h) => users.userListMessage({ status: 'active', users: [{ id: 'u', email: h.email, first_name: h.text, last_name: h.other, display_name: h.text, type: 2, dept: h.other }] as never, csv: 'c' }),
  'users.activityMessage': (h) => users.activityMessage({ period: 'Nov', zone: 'UTC', csv: 'c', activities: [{ email: h.email, time: '2026-11-01T10:00:00Z', type: h.text, ip_address: h.other, client_type: h.other, version: h.text }] as never }),
  'watch.watchStarted': (h) => watch.watchStarted('C1', watchOf(h), false, '/zoom'),
  'watch.watchStopped': (h) => watch.watchStopped('C1', watchOf(h)),
  'watch.watchList': (h) => watch.watchList({ channels: [{ channel: 'C1', watches: [watchOf(h)] }], command: '/zoom' }),
  'watch.describeWatch': (h) => watch.describeWatch(watchOf(h)),
  'help.helpMessage': () => undefined, // the command table only: no Zoom text
  // A check's line carries what Slack, Zoom or the OS answered (an error message, a channel name) as is.
  'doctor.doctorMessage': (h) => doctor.doctorMessage([bad('Zoom', `Zoom's API host did not answer: ${h.text}.`, 'Check ZOOM_API_URL.'), good('Slack', `The audit channel ${h.text} is reachable.`)]),
  'share-recording.shareRecordingModal': (h) => shareRecording.shareRecordingModal({ fileName: h.text, channel: 'C1', alertThread: { channel: 'C1', ts: '1.2' }, metadata: 'm' }),
  // Reasons name the registrant's domain, so they carry Zoom text too; an occurrence ID comes from the event.
  'rule-decisions.sessionLabel': (h) => ruleDecisions.sessionLabel('webinar', '81234567890', h.text, h.other),
  'rule-decisions.decisionBatchMessage': (h) =>
    ruleDecisions.decisionBatchMessage({
      kind: 'webinar', sessionId: '81234567890', topic: h.text, occurrence: h.other, action: 'approve', command: '/zoom', cap: { taken: 3, of: 5 },
      decided: [{ email: h.email, name: h.text, reason: h.other, undo: { k: 'webinar', s: '81234567890', r: 'r1', e: h.email, d: 'approve', at: 1, o: h.other } }],
      failed: [{ email: h.email, name: h.other, reason: h.text, refusal: h.other }],
    }),
  'rule-decisions.shadowReportMessage': (h) =>
    ruleDecisions.shadowReportMessage({ command: '/zoom', lines: [{ kind: 'meeting', sessionId: '81234567890', topic: h.text, email: h.email, name: h.other, action: 'approve', reason: h.text, capped: 5 }] }),
  'rules.targetName': () => rules.targetName(ruleSetOf().target),
  'rules.rulesOf': () => rules.rulesOf(ruleSetOf().target),
  'rules.targetFlag': () => rules.targetFlag(ruleSetOf().target),
  'rules.rulesAlreadyText': () => rules.rulesAlreadyText(ruleSetOf().target, 'on'),
  'rules.noRulesText': () => rules.noRulesText(ruleSetOf().target, '/zoom'),
  'rules.rulesNeedManualApprovalText': () => rules.rulesNeedManualApprovalText({ kind: 'webinar', id: '81234567890' }, 0, '/zoom'),
  'rules.describeRuleSet': () => rules.describeRuleSet(ruleSetOf(), 'UTC', { approve: 1, deny: 2, leave: 3 }),
  'rules.ruleListMessage': () => rules.ruleListMessage({ sets: [{ rules: ruleSetOf(), tally: { approve: 1, deny: 0, leave: 2 } }], command: '/zoom', zone: 'UTC' }),
  'rules.ruleSavedMessage': () => rules.ruleSavedMessage({ rules: ruleSetOf(), created: true, command: '/zoom', zone: 'UTC' }),
  'rules.ruleModeMessage': () => rules.ruleModeMessage({ rules: { ...ruleSetOf(), mode: 'on' }, before: ruleSetOf(), tally: { approve: 1, deny: 0, leave: 2 }, command: '/zoom', zone: 'UTC' }),
  'rules.ruleDeletedMessage': () => rules.ruleDeletedMessage({ target: ruleSetOf().target, fallback: true, command: '/zoom' }),
  // The address is typed by the admin, anything at all; the verdict's reason names domains the evaluator normalised.
  'rules.ruleTestMessage': (h) => rules.ruleTestMessage({ email: h.email, asked: ruleSetOf().target, rules: ruleSetOf(), verdict: evaluate(ruleSetOf(), h.email), taken: 3, command: '/zoom' }),
};

// A rule set holds no Zoom text: its domains are normalised to letters, digits, dots and dashes when set.
const ruleSetOf = (): RuleSet => ({
  target: { kind: 'webinar', id: '81234567890' }, approveDomains: ['zoom.test', 'acme.com'], denyDomains: ['mailinator.com'], cap: 5,
  channel: 'C1', mode: 'shadow', modeSince: 0, updatedBy: 'UADMIN', updatedAt: 0,
});

/** Text a command puts together itself before handing it to a builder that takes mrkdwn as is (questions, notices). */
function blocksSafe(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Helpers that build no Slack text (numbers, sizes, CSV, option lists, values, audit parts) need no entry.
const NOT_TEXT = new Set([
  'csv.csvButton', 'csv.asTitle', 'recordings.meetingNameValue', 'csv.toCsv', 'phone.formatSeconds', 'recordings.formatSize', 'recordings.formatSeconds',
  'recordings.downloadButtonValue', 'time-zones.zoneOptions', 'meetings-webinars.formTitle', 'meeting-webinar-list.hasEnded',
  'meetings-webinars.registrationLabel', 'watch.auditedWatch', 'watch.goneChannelAudit', 'alerts.pendingRegistration', 'rules.auditedRules',
  // The doctor's line as plain text, for the terminal (cli.ts); in Slack it goes through doctorMessage, checked above.
  'doctor.lineText',
]);

// Not in the table: the builders every view uses, so every rendering above goes through them (blocks: section,
// context, button …; format: escapeMrkdwn, formatTime …; links: link targets made inert).
const HELPER_MODULES = new Set(['blocks', 'format', 'links']);

const MODULES: Record<string, Record<string, unknown>> = {
  alerts, api, chat, confirm, csv, doctor, errors, help, history, jobs, panelists, phone, recordings, registrants, 'rule-decisions': ruleDecisions, 'rule-undo': ruleUndo,
  'meetings-webinars': sessions, 'meeting-webinar-list': sessionList, recurrence, 'time-zones': timeZones, users, watch, rules, 'share-recording': shareRecording,
};

describe('view builders with hostile Zoom text', () => {
  it('has a rendering for every exported builder of src/views, so a new one cannot be forgotten', () => {
    const builders = Object.entries(MODULES).flatMap(([name, mod]) =>
      Object.entries(mod).filter(([, v]) => typeof v === 'function').map(([fn]) => `${name}.${fn}`),
    );
    expect(builders.filter((b) => !(b in RENDER) && !NOT_TEXT.has(b))).toEqual([]);
    expect(Object.keys(blocks).length).toBeGreaterThan(0);
  });

  it('knows every module of src/views, so a new one is not left out of the table above', () => {
    const files = readdirSync(new URL('../../../src/views/', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => !(f in MODULES) && !HELPER_MODULES.has(f))).toEqual([]);
  });

  it.each(Object.keys(RENDER))('%s', (name) => {
    fc.assert(
      fc.property(hostiles, (h) => {
        const rendered = RENDER[name]!(h);
        if (rendered === undefined) return;
        for (const text of mrkdwnTexts(rendered)) expect(problemsOf(text), text).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it.each(Object.keys(fixtures))('the alert of %s', (event) => {
    fc.assert(
      fc.property(hostiles, fc.boolean(), (h, withPasscode) => {
        const bad = poisoned(fixtures[event]!, h);
        for (const text of [...mrkdwnTexts(alerts.alertMessage(bad, 'UTC', { withPasscode })), alerts.alertSummary(bad, 'UTC')]) {
          expect(problemsOf(text), text).toEqual([]);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('catches what it is for: raw Zoom text in a fallback, a mailto label and a link', () => {
    expect(problemsOf('Meeting <!channel> at 10')).toContain('a special mention <!…>');
    expect(problemsOf('<mailto:a@zoom.test|CEO|a@zoom.test>')).toHaveLength(1);
    expect(problemsOf(`<https://${MARK}.test|Click here>`)).toHaveLength(1);
    expect(problemsOf('Q&A')).toContain('a bare &');
    expect(problemsOf('<@U0ADMIN> · <#C0ALERTS> · <mailto:a@zoom.test|a@zoom.test> · &lt;!here&gt;')).toEqual([]);
  });
});
