// A stand-in for the bot's POST /slack/events: records what the console sends and answers as told.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The form's fields; `payload` parsed when present. */
  form: Record<string, string>;
  payload?: Record<string, any>;
}

export class FakeBot {
  readonly received: Received[] = [];
  /** What the next requests are answered with (status, body). */
  answer: (r: Received) => { status?: number; body?: unknown } = () => ({});
  url = '';
  private server?: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const form = Object.fromEntries(new URLSearchParams(body));
        const received: Received = { headers: req.headers, body, form, ...(form.payload ? { payload: JSON.parse(form.payload) } : {}) };
        this.received.push(received);
        const { status = 200, body: answer } = this.answer(received);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(answer === undefined ? '' : JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  last(): Received {
    const r = this.received.at(-1);
    if (!r) throw new Error('the bot received nothing');
    return r;
  }
}
