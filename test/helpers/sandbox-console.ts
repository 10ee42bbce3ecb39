// The sandbox as `npm run sandbox` starts it (runSandbox on free ports, its own Redis key prefix and data dir), driven
// through the Slack console's own JSON routes — the ones its page uses (POST /console/type, GET /console/state) — so a
// test types a command as a person would and reads the answer they would see, without a browser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { runSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { clearPrefix, TEST_REDIS_URL, uniquePrefix } from './redis.js';
import { until } from './wait.js';

/** The console's seeded people: a workspace admin (ZoomOps admin) and a member. */
export const ADMIN = 'U0SBADMIN';
export const GENERAL = 'C0SBGENERAL';

interface PageMessage {
  ts: string;
  user: string;
  isBot: boolean;
  text: string;
  blocks: unknown[] | null;
  ephemeral: boolean;
}
interface PageState {
  messages: PageMessage[];
  modal: { id: string; view: Record<string, unknown> } | null;
}

/** What the person sees after typing a command: the bot's messages, or the modal it opened. */
export interface ConsoleAnswer {
  /** Every text in the answer (message text, block texts, button labels), joined with newlines. */
  text: string;
  /** Whether everyone in the channel sees it (`--public`), not only the person who typed. */
  public: boolean;
  /** The action IDs of the answer's buttons. */
  actionIds: string[];
  buttons: ConsoleButton[];
  /** Set when a modal opened instead of (or besides) a message: its title. */
  modal?: string;
  /** Whether the bot logged the request as failed (every error a user gets goes through there). */
  failed: boolean;
}

/** A button in a message, as the page sends its click. */
export interface ConsoleButton {
  channel: string;
  ts: string;
  blockId: string;
  actionId: string;
  value: string;
}

export interface ConsoleSandbox {
  sandbox: () => RunningSandbox;
  /** Types `text` in the channel as the person and waits for what the bot answers. */
  type: (text: string, opts?: { user?: string; channel?: string }) => Promise<ConsoleAnswer>;
  /** Clicks the button and waits for what the bot does: the message rewritten in place, or a new one. */
  press: (button: ConsoleButton, opts?: { user?: string }) => Promise<ConsoleAnswer>;
}

export function useConsoleSandbox(name: string): ConsoleSandbox {
  const prefix = uniquePrefix(`console-${name}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'zoomops-console-'));
  // The bot's log, kept to see which requests it logged as failed.
  const failures: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.includes('"request failed"')) failures.push(line);
      done();
    },
  });
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await runSandbox({
      port: 0,
      env: { REDIS_URL: TEST_REDIS_URL },
      log: pino({ level: 'info' }, sink),
      dataDir,
      keyPrefix: prefix,
      announce: () => undefined,
    });
  });
  afterAll(async () => {
    await sandbox?.stop();
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    await clearPrefix(redis, prefix);
    redis.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function state(user: string, channel: string): Promise<PageState> {
    const res = await fetch(`${sandbox.url}console/state?user=${user}&channel=${channel}`);
    if (!res.ok) throw new Error(`console state: HTTP ${res.status}`);
    return (await res.json()) as PageState;
  }

  async function post(route: string, body: unknown): Promise<void> {
    const res = await fetch(`${sandbox.url}console/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`console ${route}: HTTP ${res.status} ${await res.text()}`);
  }

  async function type(text: string, opts: { user?: string; channel?: string } = {}): Promise<ConsoleAnswer> {
    const user = opts.user ?? ADMIN;
    const channel = opts.channel ?? GENERAL;
    const failedBefore = failures.length;
    const modalBefore = (await state(user, channel)).modal?.id;
    await post('type', { user, channel, text });
    const answer = await until(`an answer to ${text}`, async () => {
      const now = await state(user, channel);
      const typed = now.messages.findLast((m) => m.user === user && m.text === text);
      if (!typed) return undefined;
      const replies = now.messages.filter((m) => m.isBot && m.ts > typed.ts);
      const modal = now.modal && now.modal.id !== modalBefore ? now.modal : undefined;
      return replies.length > 0 || modal ? { replies, modal } : undefined;
    }, 10_000);
    if (answer.modal) await post('close', { user, viewId: answer.modal.id });
    return seen(channel, answer.replies, answer.modal, failures.length > failedBefore);
  }

  async function press(button: ConsoleButton, opts: { user?: string } = {}): Promise<ConsoleAnswer> {
    const user = opts.user ?? ADMIN;
    const failedBefore = failures.length;
    const before = await state(user, button.channel);
    const pressed = before.messages.find((m) => m.ts === button.ts);
    const last = before.messages.at(-1)?.ts ?? '0';
    await post('act', { user, channel: button.channel, ts: button.ts, blockId: button.blockId, action: { type: 'button', action_id: button.actionId, value: button.value } });
    const replies = await until(`the bot's answer to ${button.actionId}`, async () => {
      const now = await state(user, button.channel);
      const rewritten = now.messages.filter((m) => m.ts === button.ts && (m.text !== pressed?.text || JSON.stringify(m.blocks) !== JSON.stringify(pressed?.blocks)));
      const added = now.messages.filter((m) => m.isBot && m.ts > last);
      const all = [...rewritten, ...added];
      return all.length > 0 ? all : undefined;
    }, 10_000);
    return seen(button.channel, replies, undefined, failures.length > failedBefore);
  }

  return { sandbox: () => sandbox, type, press };
}

function seen(channel: string, replies: PageMessage[], modal: PageState['modal'] | undefined, failed: boolean): ConsoleAnswer {
  const texts = replies.flatMap((m) => [m.text, ...textsIn(m.blocks)]);
  if (modal) texts.push(...textsIn(modal.view));
  return {
    text: texts.join('\n'),
    public: replies.some((m) => !m.ephemeral),
    actionIds: replies.flatMap((m) => actionIdsIn(m.blocks)),
    buttons: replies.flatMap((m) => buttonsIn(m.blocks).map((b) => ({ ...b, channel, ts: m.ts }))),
    ...(modal ? { modal: textsIn(modal.view.title)[0] ?? '' } : {}),
    failed,
  };
}

/** Every `text` string anywhere in a Block Kit structure (mrkdwn, plain_text, fields, labels). */
export function textsIn(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(textsIn);
  return Object.entries(value).flatMap(([key, v]) => (key === 'text' && typeof v === 'string' ? [v] : textsIn(v)));
}

/** Buttons of a message's blocks: an actions block's elements or a section's accessory. */
function buttonsIn(blocks: unknown[] | null): Array<Pick<ConsoleButton, 'blockId' | 'actionId' | 'value'>> {
  const buttons = [];
  for (const block of (blocks ?? []) as Array<{ block_id?: string; elements?: unknown[]; accessory?: unknown }>) {
    for (const element of [...(block.elements ?? []), block.accessory] as Array<{ type?: string; action_id?: string; value?: string } | undefined>) {
      if (element?.type === 'button' && element.action_id) buttons.push({ blockId: block.block_id ?? '', actionId: element.action_id, value: element.value ?? '' });
    }
  }
  return buttons;
}

function actionIdsIn(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(actionIdsIn);
  return Object.entries(value).flatMap(([key, v]) => (key === 'action_id' && typeof v === 'string' ? [v] : actionIdsIn(v)));
}
