// What Slack refuses in a message or a modal (its documented Block Kit limits), answered as Slack answers. The
// sandbox's Slack console and the tests' Slack fake both run every call through `slackRefusal`, so a view over a
// limit fails in the sandbox and in every end-to-end test as it would in Slack.
// Lengths are counted in characters (code points), as Slack counts them.

/** Slack's answer to a refused call: `{ ok: false, error, errors?, response_metadata: { messages } }`. */
export type SlackRefusal = Record<string, unknown> & { ok: false; error: string };

// Arbitrary JSON from the bot, checked field by field.
type Json = Record<string, any>;

const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.update', 'chat.scheduleMessage']);
const VIEW_METHODS = new Set(['views.open', 'views.update', 'views.push', 'views.publish']);

const MESSAGE_TEXT_MAX = 40_000;
const MESSAGE_BLOCKS_MAX = 50;
const VIEW_BLOCKS_MAX = 100;

/**
 * The refusal Slack would answer to this Web API call (or response_url post, method `response/<id>`), or undefined
 * when Slack would accept it.
 */
export function slackRefusal(method: string, body: Json): SlackRefusal | undefined {
  if (MESSAGE_METHODS.has(method) || method.startsWith('response/')) return messageRefusal(method, body);
  if (VIEW_METHODS.has(method)) return viewRefusal(body);
  return undefined;
}

function messageRefusal(method: string, body: Json): SlackRefusal | undefined {
  const text = typeof body.text === 'string' ? body.text : '';
  if (length(text) > MESSAGE_TEXT_MAX) {
    return refusal('msg_too_long', [`text must be at most ${MESSAGE_TEXT_MAX} characters, got ${length(text)} [json-pointer:/text]`]);
  }
  const blocks = body.blocks;
  if (blocks === undefined || blocks === null || blocks === '') return undefined;
  const problems: string[] = [];
  checkBlocks(blocks, '/blocks', MESSAGE_BLOCKS_MAX, problems);
  if (problems.length > 0) return refusal('invalid_blocks', problems, { errors: problems });
  // Slack accepts blocks without `text`, but notifications, screen readers and search then show nothing useful, and
  // Slack's SDKs warn about it; a response_url answer that replaces a message may leave it out.
  if (!method.startsWith('response/') && text.trim() === '') {
    return refusal('invalid_arguments', ['missing top-level text: a message with blocks needs a plain `text` fallback [json-pointer:/text]']);
  }
  return undefined;
}

function viewRefusal(body: Json): SlackRefusal | undefined {
  const view = body.view;
  const problems: string[] = [];
  if (!isObject(view)) {
    problems.push('view must be an object [json-pointer:/view]');
  } else {
    if (view.type === 'modal') {
      textObject(view.title, '/view/title', 24, problems, { plainOnly: true, required: true });
      textObject(view.submit, '/view/submit', 24, problems, { plainOnly: true });
      textObject(view.close, '/view/close', 24, problems, { plainOnly: true });
      const hasInput = Array.isArray(view.blocks) && view.blocks.some((b: Json) => b?.type === 'input');
      if (hasInput && view.submit === undefined) problems.push('a modal with input blocks needs a submit button [json-pointer:/view/submit]');
    }
    maxLength(view.private_metadata, '/view/private_metadata', 3000, problems);
    maxLength(view.callback_id, '/view/callback_id', 255, problems);
    maxLength(view.external_id, '/view/external_id', 255, problems);
    checkBlocks(view.blocks, '/view/blocks', VIEW_BLOCKS_MAX, problems);
  }
  return problems.length > 0 ? refusal('invalid_arguments', problems) : undefined;
}

function refusal(error: string, problems: string[], extra: Json = {}): SlackRefusal {
  return { ok: false, error, ...extra, response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } };
}

function checkBlocks(blocks: unknown, at: string, max: number, problems: string[]): void {
  if (!Array.isArray(blocks)) {
    problems.push(`blocks must be an array [json-pointer:${at}]`);
    return;
  }
  if (blocks.length > max) problems.push(`no more than ${max} items allowed, got ${blocks.length} [json-pointer:${at}]`);
  const blockIds = new Set<string>();
  blocks.forEach((block: unknown, i) => {
    const here = `${at}/${i}`;
    if (!isObject(block)) {
      problems.push(`block must be an object [json-pointer:${here}]`);
      return;
    }
    if (block.block_id !== undefined) {
      maxLength(block.block_id, `${here}/block_id`, 255, problems);
      if (blockIds.has(block.block_id)) problems.push(`duplicate block_id "${block.block_id}" [json-pointer:${here}/block_id]`);
      blockIds.add(block.block_id);
    }
    checkBlock(block, here, problems);
  });
}

function checkBlock(block: Json, at: string, problems: string[]): void {
  switch (block.type) {
    case 'section':
      if (block.text === undefined && block.fields === undefined) problems.push(`a section needs text or fields [json-pointer:${at}]`);
      textObject(block.text, `${at}/text`, 3000, problems);
      if (block.fields !== undefined) {
        items(block.fields, `${at}/fields`, 1, 10, problems);
        (Array.isArray(block.fields) ? block.fields : []).forEach((f: unknown, i: number) =>
          textObject(f, `${at}/fields/${i}`, 2000, problems, { required: true }),
        );
      }
      if (block.accessory !== undefined) checkElement(block.accessory, `${at}/accessory`, problems);
      return;
    case 'header':
      textObject(block.text, `${at}/text`, 150, problems, { plainOnly: true, required: true });
      return;
    case 'context':
      items(block.elements, `${at}/elements`, 1, 10, problems);
      (Array.isArray(block.elements) ? block.elements : []).forEach((e: Json, i: number) => {
        if (e?.type === 'image') image(e, `${at}/elements/${i}`, problems);
        else textObject(e, `${at}/elements/${i}`, 3000, problems, { required: true });
      });
      return;
    case 'actions': {
      items(block.elements, `${at}/elements`, 1, 25, problems);
      const actionIds = new Set<string>();
      (Array.isArray(block.elements) ? block.elements : []).forEach((e: Json, i: number) => {
        checkElement(e, `${at}/elements/${i}`, problems);
        if (typeof e?.action_id === 'string') {
          if (actionIds.has(e.action_id)) problems.push(`duplicate action_id "${e.action_id}" in one block [json-pointer:${at}/elements/${i}/action_id]`);
          actionIds.add(e.action_id);
        }
      });
      return;
    }
    case 'input':
      textObject(block.label, `${at}/label`, 2000, problems, { plainOnly: true, required: true });
      textObject(block.hint, `${at}/hint`, 2000, problems, { plainOnly: true });
      if (!isObject(block.element)) problems.push(`an input block needs an element [json-pointer:${at}/element]`);
      else checkElement(block.element, `${at}/element`, problems);
      return;
    case 'image':
      image(block, at, problems);
      textObject(block.title, `${at}/title`, 2000, problems, { plainOnly: true });
      return;
    case 'divider':
    case 'rich_text':
    case 'file':
    case 'video':
      return;
    default:
      problems.push(`unsupported block type "${String(block.type)}" [json-pointer:${at}/type]`);
  }
}

function checkElement(element: unknown, at: string, problems: string[]): void {
  if (!isObject(element)) {
    problems.push(`element must be an object [json-pointer:${at}]`);
    return;
  }
  maxLength(element.action_id, `${at}/action_id`, 255, problems);
  if (element.confirm !== undefined) confirmDialog(element.confirm, `${at}/confirm`, problems);
  textObject(element.placeholder, `${at}/placeholder`, 150, problems, { plainOnly: true });
  switch (element.type) {
    case 'button':
      textObject(element.text, `${at}/text`, 75, problems, { plainOnly: true, required: true });
      maxLength(element.value, `${at}/value`, 2000, problems);
      maxLength(element.url, `${at}/url`, 3000, problems);
      if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
        problems.push(`style must be primary or danger [json-pointer:${at}/style]`);
      }
      return;
    case 'static_select':
    case 'multi_static_select':
      if (element.options === undefined && element.option_groups === undefined) problems.push(`a static select needs options or option_groups [json-pointer:${at}]`);
      if (element.options !== undefined) options(element.options, `${at}/options`, 100, problems);
      if (element.option_groups !== undefined) {
        items(element.option_groups, `${at}/option_groups`, 1, 100, problems);
        (Array.isArray(element.option_groups) ? element.option_groups : []).forEach((g: Json, i: number) => {
          textObject(g?.label, `${at}/option_groups/${i}/label`, 75, problems, { plainOnly: true, required: true });
          options(g?.options, `${at}/option_groups/${i}/options`, 100, problems);
        });
      }
      return;
    case 'overflow':
      options(element.options, `${at}/options`, 5, problems);
      return;
    case 'radio_buttons':
    case 'checkboxes':
      options(element.options, `${at}/options`, 10, problems);
      return;
    case 'plain_text_input':
      if (typeof element.max_length === 'number' && element.max_length > 3000) problems.push(`max_length must be at most 3000 [json-pointer:${at}/max_length]`);
      if (typeof element.initial_value === 'string' && typeof element.max_length === 'number' && length(element.initial_value) > element.max_length) {
        problems.push(`initial_value is longer than max_length [json-pointer:${at}/initial_value]`);
      }
      return;
    default:
      return;
  }
}

function options(list: unknown, at: string, max: number, problems: string[]): void {
  items(list, at, 1, max, problems);
  const values = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((o: Json, i: number) => {
    textObject(o?.text, `${at}/${i}/text`, 75, problems, { required: true });
    textObject(o?.description, `${at}/${i}/description`, 75, problems);
    maxLength(o?.value, `${at}/${i}/value`, 150, problems);
    if (typeof o?.value === 'string') {
      if (values.has(o.value)) problems.push(`duplicate option value "${o.value}" [json-pointer:${at}/${i}/value]`);
      values.add(o.value);
    }
  });
}

function confirmDialog(confirm: unknown, at: string, problems: string[]): void {
  if (!isObject(confirm)) {
    problems.push(`confirm must be an object [json-pointer:${at}]`);
    return;
  }
  textObject(confirm.title, `${at}/title`, 100, problems, { plainOnly: true, required: true });
  textObject(confirm.text, `${at}/text`, 300, problems, { required: true });
  textObject(confirm.confirm, `${at}/confirm`, 30, problems, { plainOnly: true, required: true });
  textObject(confirm.deny, `${at}/deny`, 30, problems, { plainOnly: true, required: true });
}

function image(element: Json, at: string, problems: string[]): void {
  maxLength(element.image_url, `${at}/image_url`, 3000, problems);
  maxLength(element.alt_text, `${at}/alt_text`, 2000, problems);
  if (typeof element.alt_text !== 'string' || element.alt_text === '') problems.push(`an image needs alt_text [json-pointer:${at}/alt_text]`);
}

/** A text object: { type: plain_text | mrkdwn, text } with 1..max characters. */
function textObject(value: unknown, at: string, max: number, problems: string[], opts: { plainOnly?: boolean; required?: boolean } = {}): void {
  if (value === undefined) {
    if (opts.required) problems.push(`missing required field [json-pointer:${at}]`);
    return;
  }
  if (!isObject(value) || typeof value.text !== 'string') {
    problems.push(`must be a text object [json-pointer:${at}]`);
    return;
  }
  if (value.type !== 'plain_text' && (opts.plainOnly || value.type !== 'mrkdwn')) {
    problems.push(`must be a ${opts.plainOnly ? 'plain_text' : 'plain_text or mrkdwn'} text object [json-pointer:${at}/type]`);
  }
  if (value.text.length === 0) problems.push(`must be more than 0 characters [json-pointer:${at}/text]`);
  maxLength(value.text, `${at}/text`, max, problems);
}

function items(list: unknown, at: string, min: number, max: number, problems: string[]): void {
  if (!Array.isArray(list)) {
    problems.push(`must be an array [json-pointer:${at}]`);
    return;
  }
  if (list.length < min) problems.push(`must provide at least ${min} items [json-pointer:${at}]`);
  if (list.length > max) problems.push(`no more than ${max} items allowed, got ${list.length} [json-pointer:${at}]`);
}

function maxLength(value: unknown, at: string, max: number, problems: string[]): void {
  if (typeof value === 'string' && length(value) > max) {
    problems.push(`must be less than ${max + 1} characters, got ${length(value)} [json-pointer:${at}]`);
  }
}

function length(text: string): number {
  return Array.from(text).length;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
