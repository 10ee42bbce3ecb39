// Every example help shows, and every whole command a hint suggests, typed into the sandbox as a newcomer would
// (issue 15): each must work there — no error, no "not found", no refusal — or be one of the few below that cannot by
// design, and then answer as its entry says. The examples come from help as the bot renders it, and the hints from
// the answers (followed as they appear) and from the error sentences' own builder, so a new one is covered unasked.
import { describe, expect, it } from 'vitest';
import { COMMANDS, helpGroups } from '../../src/commands/register.js';
import { route } from '../../src/commands/router.js';
import { NotAllowedError } from '../../src/slack/authorize.js';
import { CANCEL_CONFIRMATION } from '../../src/views/confirm.js';
import { renderError } from '../../src/views/errors.js';
import { helpMessage } from '../../src/views/help.js';
import { ZoomApiError } from '../../src/zoom/errors.js';
import { textsIn, useConsoleSandbox, type ConsoleAnswer } from '../helpers/sandbox-console.js';

/** The sandbox's slash command (ZOOMOPS_COMMAND unset). */
const COMMAND = '/zoom';
/** Examples help showed when this test was written; fewer found means the collection broke, not that help shrank. */
const EXAMPLES_AT_LEAST = 43;
/** Hints whole enough to type (no `<placeholder>`) found then: the crawl below must still reach them. */
const HINTS_AT_LEAST = 10;
/** A bound on following hints, so a hint that leads to itself in new words cannot loop. */
const MAX_HINTS = 200;

/** `/zoom …` in backticks; a usage with `<…>`, `[…]`, `a|b`, `…` or the `#channel` placeholder is not a command to type. */
function commandsIn(text: string): string[] {
  return [...text.matchAll(/`(\/zoom [^`]+)`/g)].map((m) => m[1]!.trim()).filter((c) => !/[<>[\]|…]|#channel\b/.test(c));
}

const RESOURCES = helpGroups().map((group) => group.resource);
/** The examples in a help text: `e.g. \`/zoom …\``. */
const examplesIn = (text: string) => [...text.matchAll(/e\.g\. `([^`]+)`/g)].map((m) => m[1]!);
/** Help for each resource as its builder renders it (the bot's own answers are compared below), and its examples. */
const EXAMPLES = [...new Set(RESOURCES.flatMap((resource) => examplesIn(textsIn(helpMessage(COMMAND, helpGroups(resource)).blocks).join('\n'))))];

/** The hints of the error sentences (views/errors.ts): every Zoom error code, for a meeting, a webinar and a user, and every refusal. */
function errorHints(): string[] {
  const texts: string[] = [];
  for (let zoomCode = 0; zoomCode < 10_000; zoomCode++) {
    for (const path of ['/meetings/81234567890', '/webinars/84567890123', '/users/jane@example.com']) {
      texts.push(renderError(new ZoomApiError({ status: 400, zoomCode, zoomMessage: 'Refused', method: 'GET', path }), { command: COMMAND }));
    }
  }
  for (const role of ['viewer', 'none'] as const) texts.push(renderError(new NotAllowedError('use this button', { role, command: COMMAND })));
  return texts.flatMap(commandsIn);
}

/** The command table entry an example runs: `meeting delete`. */
function pathOf(example: string): string {
  const routed = route(example.replace(/^\/\S+\s*/, ''), COMMANDS, COMMAND);
  return routed.kind === 'command' ? routed.def.path.join(' ') : routed.kind;
}

/** What an answer that did not work says (an `api` refusal is an answer of its own: `:x: PATCH … → 404`). */
const FAILURE = /not found|does not exist|no such|there is no|not allowed|Zoom refused|went wrong|failed with the error|Usage:|:x:/i;
/** A meeting named by its instance UUID (base64 of 16 bytes), where a person needs its topic and number (issue 15 item 4). */
const NAMED_BY_UUID = /\b(?:meeting|webinar) [A-Za-z0-9+/]{21}[A-Za-z0-9+/=]=/i;

function expectWorked(typed: string, answer: ConsoleAnswer, opts: { mayAsk?: boolean } = {}): void {
  expect(answer.failed, `${typed} answered as a failure: ${answer.text}`).toBe(false);
  expect(answer.text, typed).not.toMatch(FAILURE);
  expect(answer.text, `${typed} names a meeting by its UUID`).not.toMatch(NAMED_BY_UUID);
  if (!opts.mayAsk) expect(answer.actionIds, `${typed} asked first (add it to BY_DESIGN if it must): ${answer.text}`).not.toContain(CANCEL_CONFIRMATION);
}

/** It asks before doing what cannot be undone; confirmed, it is done. */
async function expectAsks(typed: string, answer: ConsoleAnswer): Promise<void> {
  expectWorked(typed, answer, { mayAsk: true });
  expect(answer.actionIds, `${typed} did not ask first: ${answer.text}`).toContain(CANCEL_CONFIRMATION);
  expect(answer.actionIds.filter((id) => id !== CANCEL_CONFIRMATION), typed).toHaveLength(1);
  const confirm = answer.buttons.find((b) => b.actionId !== CANCEL_CONFIRMATION)!;
  const done = await sandbox.press(confirm);
  expectWorked(`${typed}, confirmed`, done);
  expect(done.text, `${typed}, confirmed`).not.toBe(answer.text);
}

const sandbox = useConsoleSandbox('examples');
const answers = new Map<string, ConsoleAnswer>();

/** Examples that cannot work as printed by design, by the command they run, with what they answer instead. */
const BY_DESIGN: Record<string, (example: string, answer: ConsoleAnswer) => void | Promise<void>> = {
  // Cannot be taken back, so they ask first; the test confirms, in help's order (the seeded meeting is ended, then an
  // occurrence deleted; a file trashed, then `recordings recover` brings it back).
  'meeting end': expectAsks,
  'webinar end': expectAsks,
  'meeting cancel-registration': expectAsks,
  'webinar cancel-registration': expectAsks,
  'recordings delete': expectAsks,
  api: expectAsks, // a PATCH; a GET runs at once
  // An occurrence ID is the occurrence's start in epoch ms, so a printed one is always some day in the past. The
  // refusal names the real next occurrences; deleting the first of them asks first.
  'meeting delete': followNextOccurrence,
  'webinar delete': followNextOccurrence,
  // Job IDs are minted per job; the printed ones show the shape. The answer says so and points to the list.
  'jobs status': noSuchJob,
  'jobs cancel': noSuchJob,
  'jobs retry': noSuchJob,
};

async function followNextOccurrence(example: string, answer: ConsoleAnswer): Promise<void> {
  if (answer.actionIds.includes(CANCEL_CONFIRMATION)) return expectAsks(example, answer);
  const next = /has no occurrence \d+\. Its next occurrences are (\d+)/.exec(answer.text)?.[1];
  expect(next, `${example}: ${answer.text}`).toBeDefined();
  const typed = example.replace(/--occurrence \d+/, `--occurrence ${next}`);
  await expectAsks(typed, await sandbox.type(typed));
}

function noSuchJob(example: string, answer: ConsoleAnswer): void {
  const id = example.split(' ').at(-1);
  expect(answer.text).toContain(`There is no job \`${id}\``);
  expect(commandsIn(answer.text)).toContain(`${COMMAND} jobs`);
}

describe('help examples against the sandbox', () => {
  it(`help shows at least ${EXAMPLES_AT_LEAST} examples, each of a command in the table`, async () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(EXAMPLES_AT_LEAST);
    for (const example of EXAMPLES) expect(example.startsWith(`${COMMAND} `), example).toBe(true);
    for (const path of Object.keys(BY_DESIGN)) expect(EXAMPLES.map(pathOf), `BY_DESIGN lists ${path}, which help has no example of`).toContain(path);
    expect(sandbox.sandbox().config.slack.command).toBe(COMMAND);
    const answered = [];
    for (const resource of RESOURCES) answered.push(...examplesIn((await sandbox.type(`${COMMAND} help ${resource}`)).text));
    expect(new Set(answered)).toEqual(new Set(EXAMPLES));
  });

  it.each(EXAMPLES)('%s', async (example) => {
    const answer = await sandbox.type(example);
    answers.set(example, answer);
    const byDesign = BY_DESIGN[pathOf(example)];
    if (byDesign) await byDesign(example, answer);
    else expectWorked(example, answer);
  });

  it('answered every example', () => {
    expect([...answers.keys()]).toEqual(EXAMPLES);
  });

  it('every hint in the answers, in the answers to a mistyped command and in the error sentences works when followed', async () => {
    const followed = new Set<string>();
    // Right after the answer that gave it, as a person follows a hint: "Stop with …" depends on the watch just made.
    const follow = async (answer: ConsoleAnswer): Promise<void> => {
      for (const hint of commandsIn(answer.text)) {
        if (followed.has(hint)) continue;
        followed.add(hint);
        expect(followed.size, 'hints keep leading to new hints').toBeLessThanOrEqual(MAX_HINTS);
        const next = await sandbox.type(hint);
        expectWorked(hint, next, { mayAsk: true });
        await follow(next);
      }
    };
    // The examples again (the first run kept the state each next example expects), now each followed by its hints.
    for (const example of EXAMPLES) if (commandsIn(answers.get(example)!.text).length > 0) await follow(await sandbox.type(example));
    for (const resource of RESOURCES) await follow(await sandbox.type(`${COMMAND} ${resource} nonsense`));
    await follow({ text: errorHints().map((hint) => `\`${hint}\``).join('\n'), public: false, actionIds: [], buttons: [], failed: false });
    expect(followed.size).toBeGreaterThanOrEqual(HINTS_AT_LEAST);
  });
});

describe('--public', () => {
  it("posts `get` in the channel with the join link's passcode left out, as alerts do; the answer only the admin sees keeps it", async () => {
    const own = await sandbox.type(`${COMMAND} meeting get 812 3456 7890`);
    expect(own.public).toBe(false);
    const passcode = /\/j\/81234567890\?pwd=(\w+)/.exec(own.text)?.[1];
    expect(passcode, own.text).toBeDefined();

    const shared = await sandbox.type(`${COMMAND} meeting get 812 3456 7890 --public`);
    expect(shared.public).toBe(true);
    expect(shared.text).toContain('/j/81234567890');
    expect(shared.text).not.toContain(passcode);
    expect(shared.text).not.toContain('pwd=');
  });
});
