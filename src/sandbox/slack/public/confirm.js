// A Block Kit confirmation object shown as a real alert dialog before the action is sent; resolves true on confirm.
import { escapeHtml, textObject, plainText } from './mrkdwn.js';

let counter = 0;

export function confirmDialog(confirm, names) {
  return new Promise((resolve) => {
    const id = `confirm-${++counter}`;
    const opener = document.activeElement;
    const backdrop = document.createElement('div');
    backdrop.className = 'backdrop';
    backdrop.innerHTML = `
      <div class="dialog confirm-dialog" role="alertdialog" aria-modal="true" aria-labelledby="${id}-title" aria-describedby="${id}-text">
        <div class="dialog-header"><h2 id="${id}-title">${escapeHtml(plainText(confirm.title) || 'Are you sure?')}</h2></div>
        <div class="dialog-body mrkdwn" id="${id}-text">${textObject(confirm.text, names)}</div>
        <div class="dialog-footer">
          <button type="button" class="sk-button" data-answer="no">${escapeHtml(plainText(confirm.deny) || 'Cancel')}</button>
          <button type="button" class="sk-button ${confirm.style === 'danger' ? 'danger' : 'primary'}" data-answer="yes">${escapeHtml(plainText(confirm.confirm) || 'Yes')}</button>
        </div>
      </div>`;
    const finish = (answer) => {
      backdrop.remove();
      document.removeEventListener('keydown', onKey, true);
      if (opener instanceof HTMLElement) opener.focus();
      resolve(answer);
    };
    const onKey = (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        finish(false);
      }
    };
    backdrop.addEventListener('click', (event) => {
      const answer = event.target.closest('[data-answer]')?.dataset.answer;
      if (answer) finish(answer === 'yes');
    });
    document.addEventListener('keydown', onKey, true);
    document.body.append(backdrop);
    backdrop.querySelector('[data-answer="yes"]').focus();
  });
}
