// Every kind of CSV export the export job runs, by the name commands enqueue them under.
import type { CsvExporter } from './exporter.js';
import { phoneCallsExport } from './phone-calls.js';
import { recordingsExport } from './recordings.js';
import { sessionsExport } from './meetings-webinars.js';
import { signInsExport, usersExport } from './users.js';

export const EXPORTERS = {
  'phone-calls': phoneCallsExport,
  users: usersExport,
  'sign-ins': signInsExport,
  sessions: sessionsExport,
  recordings: recordingsExport,
} as const satisfies Record<string, CsvExporter<any>>;

export type ExportKind = keyof typeof EXPORTERS;
export type ExportQuery<K extends ExportKind> = (typeof EXPORTERS)[K] extends CsvExporter<infer Q> ? Q : never;
