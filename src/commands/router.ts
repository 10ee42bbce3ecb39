// From the text after `/zoom` to one entry of the command table (or help), with "did you mean" for typos.
import type { CommandDef } from './command.js';
import { UsageError, excerpt } from './errors.js';
import { closest } from './suggest.js';
import { splitHead, unescapeSlack } from './tokenize.js';
import { parseResource } from './values/resources.js';

export type Route =
  | { kind: 'help'; resource?: string }
  | { kind: 'command'; def: CommandDef; argText: string };

/** Resources that later versions add (none today); named so the answer is not a misleading guess. */
const PLANNED: readonly string[] = [];

export function route(rawText: string, table: readonly CommandDef[], command: string): Route {
  const text = unescapeSlack(rawText);
  const { head, rest } = splitHead(text, 1);
  const first = head[0]?.value.toLowerCase();
  if (first === undefined || first === 'help') {
    const topic = splitHead(rest, 1).head[0]?.value.toLowerCase();
    return { kind: 'help', resource: topic ? knownResource(topic, table, command) : undefined };
  }
  const resource = knownResource(first, table, command);
  const defs = table.filter((d) => d.path[0] === resource);
  const longest = Math.max(...defs.map((d) => d.path.length));
  const { head: words } = splitHead(rest, longest - 1);
  const said = words.map((w) => w.value.toLowerCase());
  // The longest path that matches wins, so `webinar panelists add` beats `webinar panelists`.
  const match = [...defs]
    .sort((a, b) => b.path.length - a.path.length)
    .find((d) => d.path.slice(1).every((word, i) => said[i] === word));
  if (match) {
    const { rest: argText } = splitHead(rest, match.path.length - 1);
    return { kind: 'command', def: match, argText };
  }
  const actions = defs.map((d) => d.path.slice(1).join(' ')).filter(Boolean);
  const typed = said[0];
  const guess = typed ? closest(typed, actions) : undefined;
  const suggestion = defs.find((d) => d.path.slice(1).join(' ') === guess);
  if (!typed) {
    throw new UsageError(`Say what to do with ${resource}: ${actions.join(', ')}.`, {
      usage: defs.map((d) => `${command} ${d.usage}`).join('\n'),
    });
  }
  throw new UsageError(
    `\`${resource} ${excerpt(typed)}\` is not a command.${suggestion ? ` Did you mean \`${command} ${suggestion.path.join(' ')}\`?` : ''}`,
    { usage: suggestion ? `${command} ${suggestion.usage}` : defs.map((d) => `${command} ${d.usage}`).join('\n') },
  );
}

function knownResource(word: string, table: readonly CommandDef[], command: string): string {
  const resource = parseResource(word);
  const resources = [...new Set(table.map((d) => d.path[0]!))];
  if (resources.includes(resource)) return resource;
  if (PLANNED.includes(resource)) {
    throw new UsageError(`\`${command} ${resource}\` is not in this version of ZoomOps yet. \`${command} help\` lists what is.`);
  }
  const guess = closest(word, resources);
  const suggestion = guess ? table.find((d) => d.path[0] === guess) : undefined;
  throw new UsageError(
    `\`${excerpt(word)}\` is not a ${command} command.${guess ? ` Did you mean \`${command} ${guess}\`?` : ''}`,
    { usage: suggestion ? `${command} ${suggestion.usage}` : `${command} help` },
  );
}
