// The panel for what only Zoom can cause (a meeting starts or ends, someone registers, a recording completes, a
// phone call, a chat message, a sign-in): it reads the Zoom sandbox's state for the choices and posts the action.
import { escapeHtml } from './mrkdwn.js';

const ACTIONS = [
  { type: 'meeting.started', label: 'A meeting starts', fields: ['session'] },
  { type: 'meeting.ended', label: 'A meeting ends', fields: ['session'] },
  { type: 'registration.created', label: 'Someone registers', fields: ['registrable', 'email', 'name'] },
  { type: 'recording.completed', label: 'A cloud recording completes', fields: ['session'] },
  { type: 'phone.call', label: 'A phone call', fields: ['outcome', 'phoneUser'] },
  { type: 'chat.message', label: 'A Team Chat message', fields: ['channel', 'sender', 'message'] },
  { type: 'user.signed_in', label: 'A user signs in', fields: ['user'] },
];

export class SimulatePanel {
  constructor(section, form, result, api) {
    this.section = section;
    this.form = form;
    this.result = result;
    this.api = api;
    this.zoom = undefined;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.run();
    });
    form.addEventListener('change', (event) => {
      if (event.target.name === 'type') this.draw(event.target.value);
    });
  }

  async load() {
    try {
      this.zoom = await this.api.zoomState();
      this.section.hidden = false;
      this.draw(this.form.elements.type?.value ?? ACTIONS[0].type);
    } catch {
      this.section.hidden = true;
    }
  }

  draw(type) {
    // The choices made so far (target meeting, email, ...) survive a redraw: after a run, or another action picked.
    const kept = this.form.elements.length > 0 ? Object.fromEntries(new FormData(this.form)) : {};
    const action = ACTIONS.find((a) => a.type === type) ?? ACTIONS[0];
    const z = this.zoom;
    const sessions = [...z.meetings, ...z.webinars];
    const option = (value, text, selected) => `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(text)}</option>`;
    const sessionOptions = (list) => list.map((s) => option(s.id, `${s.topic} (${s.id})${s.status === 'started' ? ' — live' : ''}`)).join('');
    const userOptions = (list, preferred) => list.map((u) => option(u.email, `${u.name} <${u.email}>`, u.email === preferred)).join('');
    const field = {
      session: () => `<label for="sim-session">Meeting or webinar</label><select id="sim-session" name="meetingId">${sessionOptions(sessions)}</select>`,
      registrable: () => `<label for="sim-session">Meeting or webinar</label><select id="sim-session" name="meetingId">${sessionOptions(sessions.filter((s) => s.registration !== 'none'))}</select>`,
      email: () => '<label for="sim-email">Registrant email (optional)</label><input id="sim-email" name="email" type="email">',
      name: () => '<label for="sim-name">Registrant name (optional)</label><input id="sim-name" name="name">',
      outcome: () => `<label for="sim-outcome">Outcome</label><select id="sim-outcome" name="outcome">${option('ended', 'Answered and ended')}${option('missed', 'Missed')}</select>`,
      phoneUser: () => `<label for="sim-user">Zoom Phone user</label><select id="sim-user" name="user">${userOptions(z.users.filter((u) => u.phone))}</select>`,
      channel: () => `<label for="sim-channel">Team Chat channel</label><select id="sim-channel" name="channel">${z.channels.map((c) => option(c.id, c.name)).join('')}</select>`,
      sender: () => `<label for="sim-user">Sender</label><select id="sim-user" name="user">${userOptions(z.users, 'member@sandbox.zoomops.test')}</select>`,
      message: () => '<label for="sim-message">Message</label><input id="sim-message" name="message" value="Hello from the sandbox" required>',
      user: () => `<label for="sim-user">User</label><select id="sim-user" name="user">${userOptions(z.users, 'member@sandbox.zoomops.test')}</select>`,
    };
    this.form.innerHTML = `
      <label for="sim-type">What happens in Zoom</label>
      <select id="sim-type" name="type">${ACTIONS.map((a) => option(a.type, a.label, a.type === action.type)).join('')}</select>
      ${action.fields.map((f) => field[f]()).join('')}
      <button type="submit" class="sk-button">Simulate</button>`;
    for (const [name, value] of Object.entries(kept)) {
      const control = this.form.elements.namedItem(name);
      if (name === 'type' || value === '' || !control) continue;
      // A select keeps the choice only while it is still offered (a deleted meeting is not).
      if (control instanceof HTMLSelectElement && ![...control.options].some((o) => o.value === value)) continue;
      control.value = value;
    }
  }

  async run() {
    const data = Object.fromEntries(new FormData(this.form));
    for (const [key, value] of Object.entries(data)) if (value === '') delete data[key];
    this.result.textContent = 'Sending…';
    const answer = await this.api.simulate(data);
    this.result.textContent = answer.error ? `Could not simulate: ${answer.error}` : `${answer.summary}${answer.events?.length ? `\nWebhooks: ${answer.events.join(', ')}` : ''}`;
    // IDs, live status and registrant counts changed: refresh the choices, keeping what was chosen.
    await this.load();
  }
}
