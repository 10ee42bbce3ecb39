// `/zoom doctor`: the checks' lines grouped by area, ✓ or ✗, each ✗ with the sentence that fixes it.
import type { KnownBlock } from '@slack/types';
import type { DoctorArea, DoctorLine } from '../doctor/line.js';
import { chunkLines, context, section, SECTION_TEXT_MAX, type SlackMessage } from './blocks.js';
import { escapeMrkdwn } from './format.js';

const AREAS: readonly DoctorArea[] = ['Slack', 'Zoom', 'Runtime'];

export function doctorMessage(lines: readonly DoctorLine[]): SlackMessage {
  const broken = lines.filter((l) => !l.ok).length;
  const checks = lines.filter((l) => !l.neutral).length;
  const headline = broken === 0 ? `✓ All ${checks} checks pass.` : `✗ ${broken} of ${checks} checks fail; each says how to fix it.`;
  const blocks: KnownBlock[] = [section(`*ZoomOps doctor* — ${headline}`)];
  for (const area of AREAS) {
    const mine = lines.filter((l) => l.area === area);
    if (mine.length === 0) continue;
    // A line quotes what Slack, Zoom or the OS answered (an error message): escaped, so an `<!channel>` or a link in it
    // stays text. The doctor's own lines use no `<…>` markup (channel names are spelt `#name`).
    // Failures first: they are what the admin came for, and a long area is cut at the end, not at its ✗ lines.
    const ordered = [...mine.filter((l) => !l.ok), ...mine.filter((l) => l.ok)];
    for (const chunk of chunkLines(ordered.map((l) => escapeMrkdwn(lineText(l))), SECTION_TEXT_MAX - 50)) blocks.push(section(`*${area}*\n${chunk}`));
  }
  blocks.push(context('`npm run doctor` runs the same checks on the server and exits 1 while any fails.'));
  return { text: `ZoomOps doctor: ${headline}`, blocks: blocks.slice(0, 50) };
}

/** One line as text, shared with the terminal printer (which tags each with its area). */
export function lineText(line: DoctorLine, tag = ''): string {
  const mark = line.neutral ? '–' : line.ok ? '✓' : '✗';
  return `${mark}${tag ? ` ${tag}` : ''} ${line.what}${line.ok || !line.fix ? '' : ` ${line.fix}`}`;
}
