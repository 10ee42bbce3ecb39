// The call history CSV: the account's or one user's calls over a range, every window, every page.
import { z } from 'zod';
import { partyLabel } from '../../views/phone.js';
import { collectPages } from '../../zoom/collect.js';
import { RangeValue, rangeWindows } from '../../zoom/date-windows.js';
import { callHistoryRequest, type PhoneCall } from '../../zoom/phone.js';
import { localTime, type CsvExporter } from './exporter.js';

/** What a call list is of; travels in its Next page and CSV buttons. */
export const CallQuery = RangeValue.extend({
  /** Zoom user ID; absent for the whole account. */
  u: z.string().min(1).optional(),
  /** Who, as the title names them. */
  l: z.string(),
});
export type CallQuery = z.infer<typeof CallQuery>;

export const phoneCallsExport: CsvExporter<CallQuery> = {
  kind: 'phone-calls',
  query: CallQuery,
  noun: () => 'calls',
  filename: (query) => (query.u ? 'phone-logs' : 'phone-calls'),
  collect: async (zoom, query, zone, onPage) => {
    const requests = rangeWindows(query).map((window) => callHistoryRequest({ userId: query.u, window, pageSize: 300 }));
    const { items, truncated } = await collectPages(zoom, requests, undefined, onPage);
    return {
      header: [`Start (${zone})`, 'Direction', 'Caller', 'Caller number', 'Callee', 'Callee number', 'Duration (s)', 'Result', 'Call ID'],
      rows: items.map((call) => callRow(call, zone)),
      truncated,
    };
  },
};

function callRow(call: PhoneCall, zone: string) {
  const number = (p: PhoneCall['caller']) => p.number ?? p.extension ?? '';
  const name = (p: PhoneCall['caller']) => p.name ?? p.email ?? (p.number || p.extension ? '' : partyLabel(p));
  return [localTime(call.startTime, zone), call.direction, name(call.caller), number(call.caller), name(call.callee), number(call.callee), call.durationSeconds, call.result, call.id];
}
