// Slack's mrkdwn as HTML: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes, <url|text> links,
// <@U…> and <#C…> mentions, <!here>, :emoji: for the few the bot uses. Every piece of text is escaped first.

/** Every emoji code the bot writes (a unit test checks the bot's sources against this table), and a few more. */
export const EMOJI = {
  warning: '⚠️', white_check_mark: '✅', heavy_check_mark: '✔️', heavy_minus_sign: '➖', x: '❌', hourglass_flowing_sand: '⏳',
  hourglass: '⌛', film_frames: '🎞️', arrow_down: '⬇️', warning_sign: '⚠️', calendar: '📅', spiral_calendar_pad: '🗓️', video_camera: '📹', movie_camera: '🎥', red_circle: '🔴',
  large_green_circle: '🟢', green_circle: '🟢', white_circle: '⚪', telephone_receiver: '📞', phone: '☎️',
  speech_balloon: '💬', bust_in_silhouette: '👤', busts_in_silhouette: '👥', lock: '🔒', key: '🔑', bell: '🔔',
  no_bell: '🔕', inbox_tray: '📥', outbox_tray: '📤', floppy_disk: '💾', page_facing_up: '📄', wastebasket: '🗑️',
  recycle: '♻️', mag: '🔍', information_source: 'ℹ️', eyes: '👀', tada: '🎉', clock3: '🕒', stopwatch: '⏱️',
  arrow_right: '➡️', no_entry: '⛔', no_entry_sign: '🚫', leftwards_arrow_with_hook: '↩️', construction: '🚧', gear: '⚙️', link: '🔗', email: '📧',
  envelope: '✉️', raised_hand: '✋', rotating_light: '🚨', white_circle_with_check: '☑️', heavy_plus_sign: '➕',
  pencil2: '✏️', memo: '📝', clipboard: '📋', file_folder: '📁', bar_chart: '📊', robot_face: '🤖', sparkles: '✨',
  arrow_left: '⬅️', arrow_lower_left: '↙️', arrow_upper_right: '↗️', arrows_counterclockwise: '🔄', checkered_flag: '🏁',
  fire: '🔥', mailbox_with_mail: '📬', package: '📦', stop_button: '⏹️', ticket: '🎫',
};

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Slack escapes &, < and > in message text; undo that before escaping for HTML. */
function unslack(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function safeHref(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : undefined;
}

/** One <…> token as HTML. `names`: user and channel IDs to display names. */
function angleToken(inner, names) {
  const [target, label] = splitOnce(inner, '|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="mention">@${escapeHtml(label || names.users[id] || id)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `<span class="mention">#${escapeHtml(label || names.channels[id] || id)}</span>`;
  }
  if (target.startsWith('!')) {
    const [special] = target.slice(1).split('^');
    if (special === 'date') return escapeHtml(label || inner);
    if (special === 'subteam') return `<span class="mention">@${escapeHtml(label || 'group')}</span>`;
    return `<span class="mention">@${escapeHtml(special)}</span>`;
  }
  const href = safeHref(unslack(target));
  const text = escapeHtml(unslack(label || target));
  return href ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${text}</a>` : text;
}

function splitOnce(text, sep) {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/** Bold, italic and strike on already-escaped text; a marker only counts at word edges, as in Slack. */
function emphasis(html) {
  const edge = (marker, tag) =>
    new RegExp(`(^|[\\s(>\\u0001])\\${marker}([^\\s${marker}](?:[^${marker}\\n]*?[^\\s${marker}])?)\\${marker}(?=$|[\\s).,!?:;<\\u0001])`, 'g');
  return html
    .replace(edge('*', 'b'), '$1<b>$2</b>')
    .replace(edge('_', 'i'), '$1<i>$2</i>')
    .replace(edge('~', 's'), '$1<s>$2</s>');
}

function emoji(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}

/** Renders one mrkdwn string to HTML. */
export function mrkdwn(text, names = { users: {}, channels: {} }) {
  const tokens = [];
  const hold = (html) => `\u0001${tokens.push(html) - 1}\u0001`;
  let source = String(text ?? '');
  // Pre blocks and inline code first: nothing inside them is formatted.
  source = source.replace(/```([\s\S]*?)```/g, (_, code) => hold(`<pre>${escapeHtml(unslack(code.replace(/^\n/, '')))}</pre>`));
  source = source.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${escapeHtml(unslack(code))}</code>`));
  source = source.replace(/<([^<>\n]+)>/g, (_, inner) => hold(angleToken(inner, names)));
  let html = escapeHtml(unslack(source));
  html = emoji(emphasis(html));
  html = html
    .split('\n')
    .map((line) => (line.startsWith('&gt; ') || line === '&gt;' ? `<blockquote>${line.replace(/^&gt; ?/, '')}</blockquote>` : line))
    .join('\n')
    .replace(/\n/g, '<br>')
    .replace(/<\/blockquote><br><blockquote>/g, '<br>');
  return html.replace(/\u0001(\d+)\u0001/g, (_, i) => tokens[Number(i)]);
}

/** A text object (plain_text or mrkdwn) as HTML. */
export function textObject(obj, names) {
  if (!obj) return '';
  if (obj.type === 'mrkdwn') return mrkdwn(obj.text, names);
  return emoji(escapeHtml(obj.text ?? ''));
}

/** A text object as plain text (labels, aria names). */
export function plainText(obj) {
  if (!obj) return '';
  return String(obj.text ?? '').replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}
