// Block Kit for a webinar's panelists.
import type { Panelist } from '../zoom/panelists.js';
import { section, type SlackMessage } from './blocks.js';
import { escapeMrkdwn, formatMeetingId } from './format.js';
import { mailtoTarget } from './links.js';

export function panelistListMessage(webinarId: string, panelists: Panelist[], total: number): SlackMessage {
  const title = `Panelists of webinar ${formatMeetingId(webinarId)} (${total})`;
  if (panelists.length === 0) return { text: `${title}: none`, blocks: [section(`*${title}*\nNo panelists yet.`)] };
  const lines = panelists.map((p) => `• ${escapeMrkdwn(p.name || p.email)} <${mailtoTarget(p.email)}|${escapeMrkdwn(p.email)}> · ID \`${p.id}\``);
  // One section holds 3000 characters; long panels are split over several sections.
  const chunks: string[] = [];
  for (const line of lines) {
    const last = chunks[chunks.length - 1];
    if (last !== undefined && last.length + line.length + 1 < 2900) chunks[chunks.length - 1] = `${last}\n${line}`;
    else chunks.push(line);
  }
  return { text: title, blocks: [section(`*${title}*`), ...chunks.slice(0, 45).map((c) => section(c))] };
}
