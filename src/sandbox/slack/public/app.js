// The console page: who is acting, which channel is open, the messages they can see (redrawn on every server-sent
// change), the composer, the open modal and the simulate panel. Talks only to the console server's /console/ routes.
import { renderBlocks } from './blocks.js';
import { Composer } from './composer.js';
import { ModalHost } from './modal.js';
import { escapeHtml, mrkdwn } from './mrkdwn.js';
import { FaultsPanel } from './faults.js';
import { SimulatePanel } from './simulate.js';

const $ = (id) => document.getElementById(id);

const api = {
  async get(path) {
    const res = await fetch(path, { cache: 'no-store' });
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
    return res.json();
  },
  async post(route, body) {
    const res = await fetch(`/console/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status}`);
    return answer;
  },
  zoomState: () => api.get('/console/zoom-state'),
  async simulate(action) {
    const res = await fetch('/console/simulate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) });
    return res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  },
};

const page = {
  user: localStorage.getItem('zoomops-sandbox-user') ?? 'U0SBADMIN',
  channel: undefined,
  state: undefined,
  seen: {},
  /** Threads the person opened; every redraw replaces the DOM, so their state lives here. */
  openThreads: new Set(),
};

const modal = new ModalHost($('modal-root'), {
  submit: (viewId, values) => act(() => api.post('submit', { user: page.user, viewId, values })),
  close: (viewId) => act(() => api.post('close', { user: page.user, viewId })),
  action: (viewId, blockId, action, values) => act(() => api.post('act-in-view', { user: page.user, viewId, blockId, action, values })),
});

const composer = new Composer($('composer'), $('composer-input'), $('composer-label'), (text) =>
  act(() => api.post('type', { user: page.user, channel: page.channel, text })),
);

/** Runs a page request; a failure the server explains is shown in the channel's status line rather than lost. */
async function act(request) {
  try {
    await request();
  } catch (error) {
    showProblem(error.message);
  } finally {
    await refresh();
  }
}

function showProblem(text) {
  const line = document.createElement('li');
  line.className = 'message ephemeral';
  line.innerHTML = `<div class="message-body"><p class="only-you">Only visible to you</p><div class="mrkdwn">⚠️ ${escapeHtml(text)}</div></div>`;
  $('messages').append(line);
}

let refreshing = Promise.resolve();
let again = false;
/** One redraw at a time; changes that arrive meanwhile cause one more. */
function refresh() {
  again = true;
  refreshing = refreshing.then(async () => {
    while (again) {
      again = false;
      try {
        const asked = { user: page.user, channel: page.channel };
        const query = new URLSearchParams({ user: asked.user, ...(asked.channel ? { channel: asked.channel } : {}) });
        const state = await api.get(`/console/state?${query}`);
        // A click (another channel, another person) while this answer was on its way: drawing it would take the page
        // back to what it showed before and undo the click. The loop asks again for what the page shows now.
        if (page.user !== asked.user || page.channel !== asked.channel) {
          again = true;
          continue;
        }
        draw(state);
      } catch (error) {
        showProblem(`The console is not answering (${error.message}).`);
      }
    }
  });
  return refreshing;
}

function draw(state) {
  const firstDraw = !page.state;
  page.state = state;
  page.channel = state.channel.id;
  page.seen[state.channel.id] = state.channel.count;
  const names = { users: state.names, channels: state.channelNames };
  drawPeople(state);
  drawChannels(state);
  const title = state.channel.kind === 'im' ? state.channel.name : `#${state.channel.name}`;
  $('channel-title').textContent = title;
  composer.setChannel(title);
  drawMessages(state, names);
  modal.show(state.modal, names);
  if (firstDraw) $('composer-input').focus();
}

function drawPeople(state) {
  const select = $('acting-as');
  const wanted = state.users.map((u) => `${u.id}:${u.name}`).join('|');
  if (select.dataset.people !== wanted) {
    select.dataset.people = wanted;
    select.innerHTML = state.users
      .map((u) => `<option value="${u.id}">${escapeHtml(u.name)} (${u.isAdmin ? 'workspace admin' : 'member'})</option>`)
      .join('');
  }
  select.value = state.me.id;
  $('who-note').textContent = `${state.me.email}${state.me.isAdmin ? ' · Slack workspace admin' : ' · not an admin'}`;
}

function drawChannels(state) {
  const item = (c) => {
    const unread = c.id !== state.channel.id && page.seen[c.id] !== undefined && c.count > page.seen[c.id];
    const label = c.kind === 'im' ? c.name : `# ${c.name}`;
    return `<li><button type="button" data-channel="${c.id}" class="${unread ? 'unread' : ''}" ${c.id === state.channel.id ? 'aria-current="page"' : ''}>${escapeHtml(label)}${unread ? '<span class="visually-hidden"> (new messages)</span>' : ''}</button></li>`;
  };
  for (const c of state.channels) page.seen[c.id] ??= c.count;
  $('channel-list').innerHTML = state.channels.filter((c) => c.kind === 'channel').map(item).join('');
  $('dm-list').innerHTML = state.channels.filter((c) => c.kind === 'im').map(item).join('');
}

function drawMessages(state, names) {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  // As in Slack, a reply sits under its parent's "N replies", not in the channel; one whose parent this person cannot
  // see stays in the channel, marked.
  const shown = new Set(state.messages.map((m) => m.ts));
  const replies = new Map();
  const channelMessages = [];
  for (const m of state.messages) {
    if (m.threadTs && m.threadTs !== m.ts && shown.has(m.threadTs)) replies.set(m.threadTs, [...(replies.get(m.threadTs) ?? []), m]);
    else channelMessages.push(m);
  }
  const items = channelMessages.map((m) => {
    const li = drawMessage(m, names);
    const thread = replies.get(m.ts);
    if (thread) li.querySelector('.message-body').append(drawThread(m.ts, thread, names));
    return li;
  });
  list.replaceChildren(...items);
  if (atBottom || items.length === 0) list.scrollTop = list.scrollHeight;
}

function drawMessage(m, names, opts = {}) {
  const li = document.createElement('li');
  li.className = `message${m.ephemeral ? ' ephemeral' : ''}`;
  li.dataset.ts = m.ts;
  const time = new Date(Number(m.ts.split('.')[0]) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  li.innerHTML = `
    <div class="avatar${m.isBot ? ' bot' : ''}" aria-hidden="true">${escapeHtml(m.author.slice(0, 1))}</div>
    <div class="message-body">
      <div><span class="author">${escapeHtml(m.author)}</span>${m.isBot ? '<span class="app-tag">APP</span>' : ''}<span class="time">${time}</span>${m.edited ? ' <span class="edited">(edited)</span>' : ''}</div>
      ${m.ephemeral ? '<p class="only-you">Only visible to you</p>' : ''}
      ${m.threadTs && m.threadTs !== m.ts && !opts.inThread ? '<p class="thread-note">replied in a thread</p>' : ''}
    </div>`;
  const body = li.querySelector('.message-body');
  if (m.blocks?.length) {
    const { node } = renderBlocks(m.blocks, {
      names,
      surface: 'message',
      onAction: (blockId, action) => act(() => api.post('act', { user: page.user, channel: page.channel, ts: m.ts, blockId, action })),
    });
    body.append(node);
  } else if (m.text) {
    const text = document.createElement('div');
    text.className = 'mrkdwn';
    text.innerHTML = mrkdwn(m.text, names);
    body.append(text);
  }
  for (const file of m.files) {
    const link = document.createElement('a');
    link.className = 'attachment';
    link.href = file.url;
    link.setAttribute('download', file.name);
    link.innerHTML = `<span class="file-icon" aria-hidden="true">${escapeHtml(file.name.split('.').pop().toUpperCase())}</span><span>Download ${escapeHtml(file.title)} (${formatSize(file.size)})</span>`;
    body.append(link);
  }
  return li;
}

/** A parent's replies, folded under "N replies" until opened. */
function drawThread(parentTs, thread, names) {
  const details = document.createElement('details');
  details.className = 'thread';
  details.open = page.openThreads.has(parentTs);
  details.addEventListener('toggle', () => {
    if (details.open) page.openThreads.add(parentTs);
    else page.openThreads.delete(parentTs);
  });
  const summary = document.createElement('summary');
  summary.textContent = `${thread.length} ${thread.length === 1 ? 'reply' : 'replies'}`;
  const list = document.createElement('ol');
  list.className = 'thread-replies';
  list.setAttribute('aria-label', 'Thread replies');
  list.append(...thread.map((m) => drawMessage(m, names, { inThread: true })));
  details.append(summary, list);
  return details;
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

document.addEventListener('click', (event) => {
  const target = event.target.closest('[data-channel]');
  if (!target) return;
  page.channel = target.dataset.channel;
  void refresh().then(() => $('composer-input').focus());
});

// Overflow menus close on a click elsewhere or Escape, as Slack's do.
function closeMenus(except) {
  for (const menu of document.querySelectorAll('.overflow-menu:not([hidden])')) {
    if (except && menu.parentElement.contains(except)) continue;
    menu.hidden = true;
    menu.parentElement.querySelector('[aria-haspopup]')?.setAttribute('aria-expanded', 'false');
  }
}
document.addEventListener('click', (event) => closeMenus(event.target));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') closeMenus();
});

$('acting-as').addEventListener('change', (event) => {
  page.user = event.target.value;
  localStorage.setItem('zoomops-sandbox-user', page.user);
  page.seen = {};
  void refresh();
});

const simulate = new SimulatePanel($('simulate'), $('simulate-form'), $('simulate-result'), api);
const faults = new FaultsPanel($('faults'), $('faults-form'), $('faults-result'), api);

// Live updates: the server says something changed; the page asks for what this person sees now.
const events = new EventSource('/console/events');
events.addEventListener('change', () => void refresh());
events.addEventListener('open', () => void refresh());

void refresh().then(() => {
  if (page.state?.simulate) {
    void simulate.load();
    void faults.load();
  }
});
