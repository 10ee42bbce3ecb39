// Block Kit as DOM: sections (text, fields, accessory), context, header, divider, image, actions, input blocks,
// and the interactive elements (buttons with confirm dialogs, overflow, static selects, date and time pickers,
// text/number/email/url inputs, checkboxes, radio buttons). renderBlocks returns the node and a read() that
// gives the inputs' state the way Slack puts it in `view.state.values`.
import { escapeHtml, textObject, plainText, mrkdwn } from './mrkdwn.js';
import { confirmDialog } from './confirm.js';

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

function el(tag, attrs = {}, html) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  if (html !== undefined) node.innerHTML = html;
  return node;
}

function allOptions(element) {
  return [...(element.options ?? []), ...(element.option_groups ?? []).flatMap((g) => g.options ?? [])];
}

function optionState(option) {
  return option ? { text: option.text, value: option.value } : null;
}

/**
 * @param blocks Block Kit blocks
 * @param ctx {names, surface: 'message'|'modal', errors: {blockId: text}, onAction(blockId, actionState, values)}
 */
export function renderBlocks(blocks, ctx) {
  const root = el('div', { className: 'blocks' });
  const readers = [];
  for (const [index, block] of (blocks ?? []).entries()) {
    const blockId = block.block_id ?? `block-${index}`;
    const node = renderBlock(block, blockId, ctx, readers);
    if (node) root.append(node);
  }
  const read = () => {
    const values = {};
    for (const { blockId, actionId, get } of readers) {
      values[blockId] ??= {};
      values[blockId][actionId] = get();
    }
    return values;
  };
  return { node: root, read };
}

function renderBlock(block, blockId, ctx, readers) {
  switch (block.type) {
    case 'section': {
      const node = el('div', { className: 'block block-section', 'data-block-id': blockId });
      const main = el('div', { className: 'section-main' });
      if (block.text) main.append(el('div', { className: 'mrkdwn' }, textObject(block.text, ctx.names)));
      if (block.fields?.length) {
        const grid = el('div', { className: 'fields' });
        for (const field of block.fields) grid.append(el('div', { className: 'mrkdwn' }, textObject(field, ctx.names)));
        main.append(grid);
      }
      node.append(main);
      if (block.accessory) node.append(renderElement(block.accessory, blockId, ctx, readers, { label: plainText(block.text) }));
      return node;
    }
    case 'context': {
      const node = el('div', { className: 'block block-context', 'data-block-id': blockId });
      for (const item of block.elements ?? []) {
        node.append(item.type === 'image' ? el('span', { role: 'img', 'aria-label': item.alt_text ?? '' }, '🖼️') : el('span', { className: 'mrkdwn' }, textObject(item, ctx.names)));
      }
      return node;
    }
    case 'header':
      return el('h3', { className: 'block block-header', 'data-block-id': blockId }, textObject(block.text, ctx.names));
    case 'divider':
      return el('hr', { className: 'block block-divider' });
    case 'image': {
      // The sandbox has no internet: the picture is named rather than fetched.
      const node = el('figure', { className: 'block block-image' });
      node.append(el('span', { role: 'img', 'aria-label': block.alt_text ?? 'image' }, '🖼️'));
      if (block.title) node.append(el('figcaption', {}, textObject(block.title, ctx.names)));
      return node;
    }
    case 'actions': {
      const node = el('div', { className: 'block block-actions', role: 'group', 'data-block-id': blockId, 'aria-label': 'Actions' });
      for (const element of block.elements ?? []) node.append(renderElement(element, blockId, ctx, readers, {}));
      return node;
    }
    case 'input':
      return renderInput(block, blockId, ctx, readers);
    case 'rich_text':
      return el('div', { className: 'block mrkdwn' }, escapeHtml(richText(block)));
    default:
      return el('div', { className: 'block' }, `<em>(${escapeHtml(block.type)} block)</em>`);
  }
}

function richText(block) {
  const walk = (node) => (node.text ?? '') + (node.elements ?? []).map(walk).join('');
  return walk(block);
}

/** An input block: label tied to its control, hint, optional marker, and the inline error Slack would show. */
function renderInput(block, blockId, ctx, readers) {
  const element = block.element ?? {};
  const group = element.type === 'radio_buttons' || element.type === 'checkboxes';
  const node = el('div', { className: 'block input-block', 'data-block-id': blockId });
  const controlId = nextId('input');
  const errorText = ctx.errors?.[blockId];
  const errorId = errorText ? nextId('error') : undefined;
  const hintId = block.hint ? nextId('hint') : undefined;
  const optional = block.optional ? ' <span class="optional">(optional)</span>' : '';
  const label = `${escapeHtml(plainText(block.label))}${optional}`;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  const control = renderElement(element, blockId, ctx, readers, {
    id: controlId,
    label: plainText(block.label),
    legend: group ? label : undefined,
    describedBy,
    invalid: Boolean(errorText),
    required: !block.optional,
    input: true,
  });
  if (!group) node.append(el('label', { for: controlId }, label));
  node.append(control);
  if (block.hint) node.append(el('p', { className: 'hint', id: hintId }, textObject(block.hint, ctx.names)));
  if (errorText) node.append(el('p', { className: 'field-error', id: errorId, role: 'alert' }, mrkdwn(errorText, ctx.names)));
  return node;
}

/**
 * One interactive element. In an input block it only holds a value (read at submit); elsewhere a change is sent
 * to the app at once as a block action.
 */
function renderElement(element, blockId, ctx, readers, opts) {
  const actionId = element.action_id ?? nextId('action');
  const send = (state) => ctx.onAction?.(blockId, { action_id: actionId, type: element.type, ...state }, element);
  const register = (get) => readers.push({ blockId, actionId, get });
  const common = { id: opts.id, 'aria-describedby': opts.describedBy, 'aria-invalid': opts.invalid ? 'true' : undefined };

  switch (element.type) {
    case 'button': {
      const button = el('button', { type: 'button', className: `sk-button ${element.style ?? ''}`, 'data-action-id': actionId, ...common }, textObject(element.text, ctx.names));
      if (element.accessibility_label) button.setAttribute('aria-label', element.accessibility_label);
      button.addEventListener('click', async () => {
        if (element.url) window.open(element.url, '_blank', 'noopener');
        if (element.confirm && !(await confirmDialog(element.confirm, ctx.names))) return;
        button.disabled = true;
        try {
          await send({ text: element.text, ...(element.value !== undefined ? { value: element.value } : {}), ...(element.style ? { style: element.style } : {}) });
        } finally {
          button.disabled = false;
        }
      });
      return button;
    }
    case 'overflow': {
      const wrap = el('div', { className: 'overflow' });
      const menuId = nextId('menu');
      const toggle = el('button', { type: 'button', className: 'sk-button', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': menuId, 'aria-label': 'More actions', 'data-action-id': actionId }, '⋮');
      const menu = el('ul', { className: 'overflow-menu', role: 'menu', id: menuId, hidden: true });
      for (const option of element.options ?? []) {
        const item = el('li', { role: 'none' });
        const choose = el('button', { type: 'button', role: 'menuitem' }, escapeHtml(plainText(option.text)));
        choose.addEventListener('click', async () => {
          menu.hidden = true;
          toggle.setAttribute('aria-expanded', 'false');
          if (option.url) window.open(option.url, '_blank', 'noopener');
          if (element.confirm && !(await confirmDialog(element.confirm, ctx.names))) return;
          await send({ selected_option: optionState(option) });
        });
        item.append(choose);
        menu.append(item);
      }
      toggle.addEventListener('click', () => {
        menu.hidden = !menu.hidden;
        toggle.setAttribute('aria-expanded', String(!menu.hidden));
        if (!menu.hidden) menu.querySelector('button')?.focus();
      });
      wrap.append(toggle, menu);
      return wrap;
    }
    case 'static_select':
    case 'multi_static_select':
    case 'external_select':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select': {
      const multi = element.type.startsWith('multi_');
      const select = el('select', { className: 'sk-select', multiple: multi, 'data-action-id': actionId, ...common, ...(opts.input ? {} : { 'aria-label': opts.label || plainText(element.placeholder) || 'Choose' }) });
      const options = element.type.endsWith('static_select') ? allOptions(element) : selectableFor(element.type, ctx);
      if (!multi) select.append(el('option', { value: '' }, escapeHtml(plainText(element.placeholder) || 'Choose…')));
      const initial = new Set([element.initial_option?.value, ...(element.initial_options ?? []).map((o) => o.value), element.initial_user, element.initial_conversation, element.initial_channel].filter(Boolean));
      for (const option of options) select.append(el('option', { value: option.value, selected: initial.has(option.value) }, escapeHtml(plainText(option.text))));
      const find = (value) => options.find((o) => o.value === value);
      const state = () => {
        if (multi) return { type: element.type, selected_options: [...select.selectedOptions].map((o) => optionState(find(o.value))) };
        const picked = find(select.value);
        if (element.type === 'users_select') return { type: element.type, selected_user: picked?.value ?? null };
        if (element.type.endsWith('conversations_select') || element.type === 'channels_select') return { type: element.type, selected_conversation: picked?.value ?? null };
        return { type: element.type, selected_option: optionState(picked) };
      };
      if (opts.input) register(state);
      else select.addEventListener('change', () => void send(withoutType(state())));
      return select;
    }
    case 'datepicker':
    case 'timepicker': {
      const date = element.type === 'datepicker';
      const input = el('input', {
        type: date ? 'date' : 'time',
        className: 'sk-input',
        value: (date ? element.initial_date : element.initial_time) ?? '',
        'data-action-id': actionId,
        ...common,
        ...(opts.input ? {} : { 'aria-label': opts.label || plainText(element.placeholder) || (date ? 'Pick a date' : 'Pick a time') }),
      });
      const state = () => (date ? { type: element.type, selected_date: input.value || null } : { type: element.type, selected_time: input.value || null });
      if (opts.input) register(state);
      else input.addEventListener('change', () => void send(withoutType(state())));
      return input;
    }
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input': {
      const multiline = element.type === 'plain_text_input' && element.multiline;
      const type = { number_input: 'number', email_text_input: 'email', url_text_input: 'url' }[element.type] ?? 'text';
      const input = el(multiline ? 'textarea' : 'input', {
        ...(multiline ? { rows: 3 } : { type }),
        className: 'sk-input',
        placeholder: plainText(element.placeholder) || undefined,
        maxlength: element.max_length,
        min: element.min_value,
        max: element.max_value,
        step: element.type === 'number_input' ? (element.is_decimal_allowed ? 'any' : '1') : undefined,
        'data-action-id': actionId,
        ...common,
      });
      input.value = element.initial_value ?? '';
      register(() => ({ type: element.type, value: input.value === '' ? null : input.value }));
      return input;
    }
    case 'radio_buttons':
    case 'checkboxes': {
      const radio = element.type === 'radio_buttons';
      const fieldset = el('fieldset', { className: 'choice-group', 'data-action-id': actionId, 'aria-describedby': opts.describedBy, 'aria-invalid': opts.invalid ? 'true' : undefined });
      fieldset.append(el('legend', { className: opts.legend ? 'input-label' : 'visually-hidden' }, opts.legend ?? escapeHtml(opts.label || 'Choose')));
      const name = nextId('choice');
      const initial = new Set([element.initial_option?.value, ...(element.initial_options ?? []).map((o) => o.value)].filter(Boolean));
      const inputs = [];
      for (const option of element.options ?? []) {
        const label = el('label');
        const input = el('input', { type: radio ? 'radio' : 'checkbox', name, value: option.value, checked: initial.has(option.value) });
        inputs.push([input, option]);
        label.append(input, ' ', el('span', { className: 'mrkdwn' }, textObject(option.text, ctx.names)));
        if (option.description) label.append(el('span', { className: 'hint' }, ` — ${textObject(option.description, ctx.names)}`));
        fieldset.append(label);
      }
      const state = () => {
        const picked = inputs.filter(([input]) => input.checked).map(([, option]) => optionState(option));
        return radio ? { type: element.type, selected_option: picked[0] ?? null } : { type: element.type, selected_options: picked };
      };
      if (opts.input) register(state);
      else fieldset.addEventListener('change', () => void send(withoutType(state())));
      return fieldset;
    }
    case 'image':
      return el('span', { role: 'img', 'aria-label': element.alt_text ?? 'image' }, '🖼️');
    default:
      return el('span', {}, `<em>(${escapeHtml(element.type)})</em>`);
  }
}

function withoutType(state) {
  const { type: _type, ...rest } = state;
  return rest;
}

/** users_select and conversations_select list the sandbox's people and channels. */
function selectableFor(type, ctx) {
  if (type === 'users_select') return Object.entries(ctx.names.users).map(([value, name]) => ({ value, text: { type: 'plain_text', text: name } }));
  return Object.entries(ctx.names.channels).map(([value, name]) => ({ value, text: { type: 'plain_text', text: `#${name}` } }));
}
