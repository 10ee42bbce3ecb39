// The message composer: a labelled text box that sends on Enter (Shift+Enter for a new line), remembers what was
// sent (Up recalls it) and names the channel it writes to.
export class Composer {
  constructor(form, input, label, send) {
    this.form = form;
    this.input = input;
    this.label = label;
    this.send = send;
    this.history = [];
    this.recall = -1;
    input.addEventListener('keydown', (event) => this.onKey(event));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    input.addEventListener('input', () => this.grow());
  }

  /** Names the box after the channel, as Slack does ("Message #general"). */
  setChannel(name) {
    this.label.textContent = `Message ${name}`;
    this.input.placeholder = `Message ${name} — try /zoom help`;
  }

  onKey(event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.submit();
    } else if (event.key === 'ArrowUp' && this.input.value === '' && this.history.length > 0) {
      event.preventDefault();
      this.recall = this.history.length - 1;
      this.input.value = this.history[this.recall];
    }
  }

  async submit() {
    const text = this.input.value;
    if (!text.trim()) return;
    this.input.value = '';
    this.grow();
    this.history.push(text);
    await this.send(text);
  }

  grow() {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 200)}px`;
  }
}
