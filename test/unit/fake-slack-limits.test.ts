// The test Slack fake refuses what Slack refuses, with Slack's own errors, so an e2e test whose bot posts an
// over-long section, too many blocks or a 25-character modal title fails instead of passing against a lenient fake.
import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../helpers/fake-slack.js';

const slack = new FakeSlack();
let client: WebClient;

beforeAll(async () => {
  await slack.start();
  client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(() => {
  slack.takeRefusals();
});
afterAll(async () => {
  await slack.stop();
});

const section = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'section', text: { type: 'mrkdwn', text }, ...extra });
const button = (extra: Record<string, unknown> = {}) => ({ type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: 'go', ...extra });
const actions = (...elements: unknown[]) => ({ type: 'actions', elements });
const option = (i: number) => ({ text: { type: 'plain_text', text: `Option ${i}` }, value: `v${i}` });
const select = (n: number) => ({ type: 'static_select', action_id: 'pick', options: Array.from({ length: n }, (_, i) => option(i)) });
const modal = (extra: Record<string, unknown> = {}) => ({ type: 'modal', title: { type: 'plain_text', text: 'Schedule a meeting' }, blocks: [section('Hi')], ...extra });

async function post(body: Record<string, unknown>): Promise<WebAPIPlatformError['data'] | 'ok'> {
  try {
    await client.chat.postMessage({ channel: 'C1', text: 'fallback', ...body } as never);
    return 'ok';
  } catch (error) {
    return (error as WebAPIPlatformError).data;
  }
}

async function openView(view: Record<string, unknown>): Promise<WebAPIPlatformError['data'] | 'ok'> {
  try {
    await client.views.open({ trigger_id: 't', view } as never);
    return 'ok';
  } catch (error) {
    return (error as WebAPIPlatformError).data;
  }
}

describe('messages', () => {
  it.each([
    ['section text over 3,000 characters', [section('x'.repeat(3001))], '/blocks/0/text/text'],
    ['over 50 blocks', Array.from({ length: 51 }, () => section('x')), '/blocks'],
    ['a button value over 2,000 characters', [actions(button({ value: 'v'.repeat(2001) }))], '/blocks/0/elements/0/value'],
    ['an action_id over 255 characters', [actions(button({ action_id: 'a'.repeat(256) }))], '/blocks/0/elements/0/action_id'],
    ['a block_id over 255 characters', [section('x', { block_id: 'b'.repeat(256) })], '/blocks/0/block_id'],
    ['a header over 150 characters', [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], '/blocks/0/text/text'],
    ['a header in mrkdwn', [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], '/blocks/0/text/type'],
    ['over 100 options', [actions(select(101))], '/blocks/0/elements/0/options'],
    ['an option text over 75 characters', [actions({ ...select(1), options: [{ text: { type: 'plain_text', text: 'o'.repeat(76) }, value: 'v' }] })], '/blocks/0/elements/0/options/0/text/text'],
    ['two elements with one action_id in a block', [actions(button(), button())], '/blocks/0/elements/1/action_id'],
    ['two blocks with one block_id', [section('a', { block_id: 'b' }), section('c', { block_id: 'b' })], '/blocks/1/block_id'],
    ['a button label over 75 characters', [actions(button({ text: { type: 'plain_text', text: 'l'.repeat(76) } }))], '/blocks/0/elements/0/text/text'],
    ['an empty section text', [section('')], '/blocks/0/text/text'],
    ['over 10 context elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }], '/blocks/0/elements'],
    ['over 10 section fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }], '/blocks/0/fields'],
    ['a confirm text over 300 characters', [actions(button({ confirm: { title: { type: 'plain_text', text: 'Sure?' }, text: { type: 'mrkdwn', text: 't'.repeat(301) }, confirm: { type: 'plain_text', text: 'Yes' }, deny: { type: 'plain_text', text: 'No' } } }))], '/blocks/0/elements/0/confirm/text/text'],
  ])('refuses %s with invalid_blocks naming the field', async (_what, blocks, pointer) => {
    const answer = await post({ blocks });
    expect(answer).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect((answer as unknown as { errors: string[] }).errors.join('\n')).toContain(`[json-pointer:${pointer}]`);
  });

  it('accepts every limit exactly', async () => {
    const blocks = [
      section('x'.repeat(3000), { block_id: 'b'.repeat(255) }),
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } },
      actions(button({ value: 'v'.repeat(2000), action_id: 'a'.repeat(255) }), select(100)),
      ...Array.from({ length: 47 }, () => ({ type: 'divider' })),
    ];
    expect(blocks).toHaveLength(50);
    expect(await post({ blocks, text: 't'.repeat(40_000) })).toBe('ok');
  });

  it('refuses text over 40,000 characters with msg_too_long', async () => {
    expect(await post({ text: 't'.repeat(40_001) })).toMatchObject({ ok: false, error: 'msg_too_long' });
  });

  it('refuses blocks without a text fallback', async () => {
    expect(await post({ text: undefined, blocks: [section('x')] })).toMatchObject({ ok: false, error: 'invalid_arguments' });
  });

  it('checks what is posted to a response_url too', async () => {
    const res = await fetch(slack.responseUrl('r1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ blocks: [section('x'.repeat(3001))] }) });
    expect(await res.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
  });
});

describe('modals', () => {
  it.each([
    ['a title over 24 characters', modal({ title: { type: 'plain_text', text: 'Schedule a Zoom meeting!!' } }), '/view/title/text'],
    ['a submit label over 24 characters', modal({ submit: { type: 'plain_text', text: 's'.repeat(25) } }), '/view/submit/text'],
    ['over 100 blocks', modal({ blocks: Array.from({ length: 101 }, () => section('x')) }), '/view/blocks'],
    ['private_metadata over 3,000 characters', modal({ private_metadata: 'm'.repeat(3001) }), '/view/private_metadata'],
    ['a callback_id over 255 characters', modal({ callback_id: 'c'.repeat(256) }), '/view/callback_id'],
    ['input blocks without a submit button', modal({ blocks: [{ type: 'input', label: { type: 'plain_text', text: 'Topic' }, element: { type: 'plain_text_input', action_id: 'topic' } }] }), '/view/submit'],
  ])('refuses %s with invalid_arguments naming the field', async (_what, view, pointer) => {
    const answer = await openView(view);
    expect(answer).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(JSON.stringify(answer)).toContain(`[json-pointer:${pointer}]`);
  });

  it('accepts 100 blocks and a 24-character title', async () => {
    expect(await openView(modal({ title: { type: 'plain_text', text: 't'.repeat(24) }, blocks: Array.from({ length: 100 }, () => section('x')) }))).toBe('ok');
  });
});

describe('a refusal nobody expected', () => {
  it('fails the test, naming the call and Slack\'s reason', async () => {
    await post({ blocks: [section('x'.repeat(3001))] });
    expect(() => slack.assertNoRefusals()).toThrow(
      'Slack would have refused 1 call(s) from the bot:\n  chat.postMessage → invalid_blocks: [ERROR] must be less than 3001 characters, got 3001 [json-pointer:/blocks/0/text/text]',
    );
    // Reported once: the next check starts clean.
    expect(() => slack.assertNoRefusals()).not.toThrow();
  });
});
