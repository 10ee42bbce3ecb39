// The panel that breaks the install on purpose, so each ✗ line of `/zoom doctor` can be clicked through: a Zoom scope
// the app's token no longer lists, and a webhook that delivers nothing (as if silent for a week). Reads and posts
// /console/faults; hidden when the console has no Zoom sandbox behind it.
import { escapeHtml } from './mrkdwn.js';

export class FaultsPanel {
  constructor(section, form, result, api) {
    this.section = section;
    this.form = form;
    this.result = result;
    this.api = api;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.apply();
    });
  }

  async load() {
    try {
      this.draw(await this.api.get('/console/faults'));
      this.section.hidden = false;
    } catch {
      this.section.hidden = true;
    }
  }

  draw(state) {
    const withheld = new Set(state.withheldScopes);
    const option = (scope) => `<option value="${escapeHtml(scope)}"${withheld.has(scope) ? ' selected' : ''}>${escapeHtml(scope)}</option>`;
    this.form.innerHTML = `
      <label for="fault-scopes">Zoom scopes the app lacks (Ctrl/⌘-click for several)</label>
      <select id="fault-scopes" name="withheldScopes" multiple size="4">${state.scopes.map(option).join('')}</select>
      <label class="check"><input id="fault-silent" name="silentWebhook" type="checkbox"${state.silentWebhook ? ' checked' : ''}> Silent webhook: Zoom delivers nothing, as if for 8 days</label>
      <button type="submit" class="sk-button">Apply</button>`;
  }

  async apply() {
    const scopes = this.form.elements.namedItem('withheldScopes');
    const change = {
      withheldScopes: [...scopes.selectedOptions].map((o) => o.value),
      silentWebhook: this.form.elements.namedItem('silentWebhook').checked,
    };
    this.result.textContent = 'Applying…';
    try {
      const state = await this.api.post('faults', change);
      this.draw(state);
      const lacks = state.withheldScopes.length ? `The Zoom app lacks ${state.withheldScopes.join(', ')}.` : 'The Zoom app has every scope.';
      const hook = state.silentWebhook ? 'The webhook is silent.' : 'The webhook delivers.';
      this.result.textContent = `${lacks} ${hook} Run /zoom doctor to see it.`;
    } catch (error) {
      this.result.textContent = `Could not apply: ${error.message}`;
    }
  }
}
