// What a download job carries in Redis, checked with zod at every read: its data (who asked, which files, where
// to share; the plan written on the first run) and its progress (job.progress: what `/zoom jobs status` shows and
// what a resumed run starts from).
import { z } from 'zod';

export const DOWNLOAD_TYPES = ['mp4', 'm4a', 'transcript', 'chat', 'all'] as const;
export type DownloadType = (typeof DOWNLOAD_TYPES)[number];

export const PlannedFile = z.object({
  id: z.string(),
  /** File name inside the meeting's folder. */
  name: z.string(),
  url: z.string(),
  size: z.number().optional(),
});
export type PlannedFile = z.infer<typeof PlannedFile>;

export const DownloadJobData = z.object({
  owner: z.object({
    userId: z.string(),
    description: z.string(),
    progress: z.object({ channel: z.string(), ts: z.string() }).optional(),
    inChannel: z.boolean().optional(),
  }),
  /** Meeting ID (newest instance) or instance UUID. */
  meetingId: z.string().min(1),
  fileId: z.string().optional(),
  type: z.enum(DOWNLOAD_TYPES).default('all'),
  /** --share: upload each file (≤ 1 GB) into this channel. */
  share: z.object({ channel: z.string() }).optional(),
  /** Where a Share to Slack button posts (the channel the download was asked in). */
  origin: z.object({ channel: z.string(), threadTs: z.string().optional() }).optional(),
  /** The recording.completed webhook's `download_token` (24 h); the account's token takes over once it expires. */
  downloadToken: z.string().optional(),
  /** Written on the first run, so a resumed run uses the same files and folder. */
  plan: z
    .object({
      uuid: z.string(),
      folder: z.string(),
      files: z.array(PlannedFile),
      /** The meeting's number and topic, for the summary's Share to Slack buttons to name it. */
      number: z.string().optional(),
      topic: z.string().optional(),
    })
    .optional(),
});
export type DownloadJobData = z.infer<typeof DownloadJobData>;
/** The files a job takes, decided on its first run (plan.ts). */
export type DownloadPlan = NonNullable<DownloadJobData['plan']>;

/** Saved as job.progress (what `/zoom jobs status` shows) and read back by a resumed run. */
export const Progress = z.object({
  unit: z.literal('bytes').default('bytes'),
  done: z.number(),
  total: z.number(),
  failed: z.number().default(0),
  detail: z.string().optional(),
  saved: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        path: z.string(),
        bytes: z.number(),
        sharedIn: z.string().optional(),
        // --share: the Slack file ID of an upload being completed, recorded first (see shareFileInChannel).
        upload: z.object({ fileId: z.string(), since: z.number() }).optional(),
      }),
    )
    .default([]),
  /** `id` is empty for a failure of the whole job. */
  failures: z.array(z.object({ id: z.string(), name: z.string(), reason: z.string() })).default([]),
  /** Network bytes and seconds over every run, for the summary's speed. */
  fetched: z.number().default(0),
  seconds: z.number().default(0),
});
export type Progress = z.infer<typeof Progress>;
