// Webinar panelists: list them, add any number (in Zoom's batches of 30), remove one.
// Panelists exist only on webinars; Zoom lists them all at once, without pages.
import { z } from 'zod';
import type { ZoomClient } from './client.js';
import { inBatches } from './batches.js';
import { zoomPath } from './ids.js';
import { zoomId } from './schemas.js';
import { sessionPath } from './meetings-webinars.js';

/** Zoom takes at most 30 panelists in one add (`maximum: 30` on the array in its spec). */
export const PANELIST_BATCH = 30;

export const Panelist = z.looseObject({
  id: zoomId,
  email: z.string(),
  name: z.string(),
  join_url: z.string().optional(),
});
export type Panelist = z.infer<typeof Panelist>;

export interface PanelistInput {
  email: string;
  /** Zoom notes a limit of 12 characters for Chinese names. */
  name: string;
}

export interface PanelistList {
  panelists: Panelist[];
  totalRecords: number;
}

const PanelistListAnswer = z
  .looseObject({ panelists: z.array(Panelist).nullish(), total_records: z.number().nullish() })
  .transform(
    (answer): PanelistList => ({
      // Zoom omits or nulls the array when there are none, like its paged lists.
      panelists: answer.panelists ?? [],
      totalRecords: answer.total_records ?? answer.panelists?.length ?? 0,
    }),
  );

/** Every panelist of a webinar (Medium). */
export function listPanelists(zoom: ZoomClient, webinarId: string): Promise<PanelistList> {
  return zoom.request({
    method: 'GET',
    path: `${sessionPath('webinar', webinarId)}/panelists`,
    label: 'medium',
    schema: PanelistListAnswer,
  });
}

/**
 * Adds panelists, PANELIST_BATCH to a call, one call after another (Medium each); returns how many were sent.
 * A failed call stops the rest and throws: the batches before it are added, and listPanelists shows which.
 */
export async function addPanelists(
  zoom: ZoomClient,
  webinarId: string,
  panelists: readonly PanelistInput[],
): Promise<number> {
  const path = `${sessionPath('webinar', webinarId)}/panelists`;
  let sent = 0;
  for (const batch of inBatches(panelists, PANELIST_BATCH)) {
    // Only what Zoom reads, whatever else the caller's objects carry.
    const body = { panelists: batch.map(({ email, name }) => ({ email, name })) };
    await zoom.request({ method: 'POST', path, body, label: 'medium' });
    sent += batch.length;
  }
  return sent;
}

/** Removes one panelist (Light); Zoom takes the panelist's ID or email here. */
export function removePanelist(zoom: ZoomClient, webinarId: string, panelistIdOrEmail: string): Promise<void> {
  return zoom.request({
    method: 'DELETE',
    path: sessionPath('webinar', webinarId) + zoomPath`/panelists/${panelistIdOrEmail}`,
    label: 'light',
  });
}
