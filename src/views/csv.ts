// CSV as lists and job summaries send it (RFC 4180, spreadsheet formulas defused), the "CSV" button every
// list carries, and the line that says where the file went.
import { stringify } from 'csv-stringify/sync';
import { button } from './blocks.js';
import { escapeMrkdwn } from './format.js';
import type { Button } from '@slack/types';

export function csvButton(actionId: string, value: string): Button {
  return button('CSV', actionId, value);
}

/**
 * `:page_facing_up: Sent 120 calls as phone-calls.csv, the file below.`: the export's message in the admin's DM says
 * where the file is there (it comes right after the message), not "in a direct message" to someone already reading it.
 */
export function csvSentLine(input: { count: number; noun: string; filename: string; truncated?: boolean }): string {
  return `:page_facing_up: Sent ${input.count} ${input.noun} as \`${escapeMrkdwn(input.filename)}\`, the file below.${cutNote(input)}`;
}

/** The file's own comment: what it is and how many, under the export's title. */
export function csvFileComment(input: { title: string; count: number; noun: string; truncated?: boolean }): string {
  return `${escapeMrkdwn(input.title)}: ${input.count} ${input.noun}.${cutNote(input)}`;
}

function cutNote(input: { count: number; truncated?: boolean }): string {
  return input.truncated ? ` It stops at ${input.count} rows; narrow the list (a shorter period, one user or one status) to get the rest.` : '';
}

/** `The phone calls of the account`: a description as the title of a message. */
export function asTitle(description: string): string {
  return description.charAt(0).toUpperCase() + description.slice(1);
}

export type CsvCell = string | number | boolean | null | undefined;
export type CsvRow = readonly CsvCell[];

// A cell a spreadsheet would run as a formula (=, @, +, -, and tab or CR before them). Signed numbers and phone
// numbers (+12059300920) stay as they are: they are data, and a quote would spoil them.
const FORMULA = /^[=@\t\r]|^[+-](?![\d\s().-]*$)/;

/** RFC 4180: CRLF between records, fields quoted when they hold a comma, quote or line break; first row the header. */
export function toCsv(rows: readonly CsvRow[]): string {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'string' && FORMULA.test(cell) ? `'${cell}` : (cell ?? ''))));
  return stringify(cells as unknown[][], { record_delimiter: '\r\n', cast: { boolean: (b) => (b ? 'true' : 'false') } });
}

