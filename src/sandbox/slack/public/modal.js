// Modals as real dialogs (role="dialog", aria-modal, labelled by the title) with the view's blocks, a named submit
// and close button, inline errors from `response_action: errors`, focus kept inside, Escape to close.
import { renderBlocks } from './blocks.js';
import { escapeHtml, mrkdwn, plainText } from './mrkdwn.js';

export class ModalHost {
  /**
   * @param root element the dialog is put in
   * @param handlers {submit(viewId, values), close(viewId), action(viewId, blockId, action, values)}
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.current = undefined; // {id, hash, read, dialog}
    this.opener = undefined;
  }

  /** Shows the person's top modal (or none); redraws only when the view itself changed, so typing is never lost. */
  show(modal, names) {
    if (!modal) {
      this.clear();
      return;
    }
    if (this.current && this.current.id === modal.id && this.current.hash === modal.hash) {
      this.applyErrors(modal.errors, modal.problem, names);
      return;
    }
    if (!this.current) this.opener = document.activeElement;
    this.render(modal, names);
  }

  clear() {
    if (!this.current) return;
    this.root.replaceChildren();
    this.current = undefined;
    document.removeEventListener('keydown', this.onKey, true);
    if (this.opener instanceof HTMLElement && document.contains(this.opener)) this.opener.focus();
    this.opener = undefined;
  }

  render(modal, names) {
    const { view } = modal;
    const titleId = `modal-title-${modal.id}`;
    const backdrop = document.createElement('div');
    backdrop.className = 'backdrop';
    const dialog = document.createElement('form');
    dialog.className = 'dialog';
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-labelledby', titleId);
    dialog.noValidate = true;
    const closeText = plainText(view.close) || 'Cancel';
    dialog.innerHTML = `
      <div class="dialog-header">
        <h2 id="${titleId}">${escapeHtml(plainText(view.title))}<span class="sandbox-tag">SANDBOX</span></h2>
        <button type="button" class="dialog-close" aria-label="Close">×</button>
      </div>
      <div class="dialog-body"><div class="dialog-problem" role="alert" hidden></div></div>
      <div class="dialog-footer">
        <button type="button" class="sk-button" data-role="close">${escapeHtml(closeText)}</button>
        ${view.submit ? `<button type="submit" class="sk-button primary" data-role="submit">${escapeHtml(plainText(view.submit))}</button>` : ''}
      </div>`;
    const body = dialog.querySelector('.dialog-body');
    const { node, read } = renderBlocks(view.blocks, {
      names,
      surface: 'modal',
      errors: modal.errors,
      onAction: (blockId, action) => this.handlers.action(modal.id, blockId, action, read()),
    });
    body.append(node);
    const close = () => void this.handlers.close(modal.id);
    dialog.querySelector('.dialog-close').addEventListener('click', close);
    dialog.querySelector('[data-role="close"]').addEventListener('click', close);
    dialog.addEventListener('submit', async (event) => {
      event.preventDefault();
      const submit = dialog.querySelector('[data-role="submit"]');
      if (!submit || submit.disabled) return;
      submit.disabled = true;
      try {
        await this.handlers.submit(modal.id, read());
      } finally {
        if (document.contains(submit)) submit.disabled = false;
      }
    });
    backdrop.append(dialog);
    this.root.replaceChildren(backdrop);
    const wasOpen = Boolean(this.current);
    this.current = { id: modal.id, hash: modal.hash, read, dialog };
    if (!wasOpen) document.addEventListener('keydown', this.onKey, true);
    this.applyErrors(modal.errors, modal.problem, names);
    const first = dialog.querySelector('.dialog-body input, .dialog-body select, .dialog-body textarea, .dialog-body button') ?? dialog.querySelector('[data-role="close"]');
    first?.focus();
  }

  /** Inline errors under their inputs (aria-invalid, described by the error), without redrawing what was typed. */
  applyErrors(errors = {}, problem, names) {
    const dialog = this.current?.dialog;
    if (!dialog) return;
    const banner = dialog.querySelector('.dialog-problem');
    banner.hidden = !problem;
    banner.textContent = problem ?? '';
    for (const block of dialog.querySelectorAll('.input-block')) {
      block.querySelector('.field-error')?.remove();
      const control = block.querySelector('[data-action-id]');
      const text = errors[block.dataset.blockId];
      const hint = block.querySelector('.hint')?.id;
      if (!text) {
        control?.removeAttribute('aria-invalid');
        if (control) hint ? control.setAttribute('aria-describedby', hint) : control.removeAttribute('aria-describedby');
        continue;
      }
      const id = `${block.dataset.blockId}-error-${Math.random().toString(36).slice(2, 8)}`;
      const p = document.createElement('p');
      p.className = 'field-error';
      p.id = id;
      p.setAttribute('role', 'alert');
      p.innerHTML = mrkdwn(text, names);
      block.append(p);
      control?.setAttribute('aria-invalid', 'true');
      control?.setAttribute('aria-describedby', [id, hint].filter(Boolean).join(' '));
    }
    const firstInvalid = dialog.querySelector('[aria-invalid="true"]');
    if (firstInvalid && !firstInvalid.contains(document.activeElement)) (firstInvalid.matches('fieldset') ? firstInvalid.querySelector('input') : firstInvalid)?.focus();
  }

  onKey = (event) => {
    const dialog = this.current?.dialog;
    if (!dialog) return;
    if (event.key === 'Escape' && !document.querySelector('[role="alertdialog"]')) {
      event.preventDefault();
      void this.handlers.close(this.current.id);
      return;
    }
    if (event.key !== 'Tab') return;
    // Keep focus inside the dialog, as a modal should.
    const focusable = [...dialog.querySelectorAll('button, input, select, textarea, a[href]')].filter((e) => !e.disabled && e.offsetParent !== null);
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };
}
