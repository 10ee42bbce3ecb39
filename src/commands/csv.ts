// CSV exports for every list (meetings, webinars, phone calls, users, sign-ins, recordings): the command or the
// list's CSV button starts an export job, and the file comes in the admin's direct message, because lists of calls
// and sign-ins are personal data and a long list takes longer than an answer may.
import type { Invocation } from './context.js';
import { enqueueExport } from '../jobs/exports/job.js';
import type { ExportKind, ExportQuery } from '../jobs/exports/index.js';
import { textMessage } from '../views/blocks.js';

export async function startExport<K extends ExportKind>(inv: Invocation, kind: K, query: ExportQuery<K>, description: string): Promise<void> {
  const zone = inv.person.tz;
  const day = inv.services.now().setZone(zone).toFormat('yyyy-MM-dd');
  const jobId = await enqueueExport(inv.services, { userId: inv.person.id, zone, day }, kind, query, description);
  await inv.reply(textMessage(`:page_facing_up: Exporting ${description} as job \`${jobId}\`; the CSV file comes in your DM with me.`));
}
