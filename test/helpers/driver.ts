// Drives the bot as a Slack user would: slash commands and button clicks, each answered on its own response_url.
import { expect } from 'vitest';
import type { FakeSlack, SlackCall } from './fake-slack.js';
import { buttonClick, interactionBody, postSigned, slashCommandBody } from './slack-requests.js';

export interface SlackDriver {
  /** Sends `/zoom <text>` and returns the first answer posted to its response_url. */
  command(text: string, user: string): Promise<SlackCall>;
  click(actionId: string, value: string, user: string): Promise<SlackCall>;
}

export function slackDriver(botUrl: () => string, fakeSlack: () => FakeSlack): SlackDriver {
  let interaction = 0;
  const send = async (body: string) => {
    const res = await postSigned(`${botUrl()}/slack/events`, body, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
  };
  return {
    async command(text, user) {
      const id = `c${++interaction}`;
      await send(slashCommandBody({ text, userId: user, responseUrl: fakeSlack().responseUrl(id) }));
      return fakeSlack().response(id);
    },
    async click(actionId, value, user) {
      const id = `b${++interaction}`;
      await send(interactionBody(buttonClick({ userId: user, actionId, value, responseUrl: fakeSlack().responseUrl(id) })));
      return fakeSlack().response(id);
    },
  };
}

export function buttonOf(call: SlackCall, actionId: string, index = 0): { value: string; style?: string; text: { text: string } } {
  const found = [];
  for (const block of call.body.blocks ?? []) {
    for (const el of [block.accessory, ...(block.elements ?? [])]) {
      if (el?.action_id === actionId) found.push(el);
    }
  }
  if (!found[index]) throw new Error(`no button ${actionId} #${index} in ${JSON.stringify(call.body.blocks)}`);
  return found[index];
}

export const textOf = (call: SlackCall): string => JSON.stringify(call.body.blocks ?? call.body.text);

/** An export runs as a job: the answer names it, and its DM message ends with where the file went. */
export async function exportResult(answer: SlackCall, slack: FakeSlack): Promise<string> {
  expect(answer.body.text).toMatch(/Exporting .* as job `exp-[0-9a-f]{12}`; the CSV file comes in your DM with me\./);
  const done = await slack.waitFor((c) => c.method === 'chat.update' && /Sent \d+ /.test(String(c.body.text)));
  return String(done.body.text);
}
