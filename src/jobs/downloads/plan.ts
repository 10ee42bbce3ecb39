// Which files of a recording a download job takes (all, one type, or one file), and their names on disk. Decided on
// the job's first run and saved in its data, so a resumed run writes the same files into the same folder.
import type { Services } from '../../services.js';
import { downloadableFiles, getRecording, type RecordingFile } from '../../zoom/recordings.js';
import type { DownloadJobData, DownloadPlan, DownloadType } from './data.js';
import { recordingFileName, recordingFolderName } from './names.js';

const FILE_TYPES: Record<Exclude<DownloadType, 'all'>, readonly string[]> = {
  mp4: ['MP4'],
  m4a: ['M4A'],
  transcript: ['TRANSCRIPT', 'CC'],
  chat: ['CHAT', 'CHAT_MESSAGE'],
};

export async function planDownload(services: Services, data: DownloadJobData): Promise<DownloadPlan> {
  const recording = await getRecording(services.zoom, data.meetingId);
  const files = downloadableFiles(recording).filter((f) => wanted(f, data));
  return {
    uuid: recording.uuid,
    ...(recording.id !== undefined ? { number: String(recording.id) } : {}),
    ...(recording.topic ? { topic: recording.topic } : {}),
    folder: recordingFolderName(recording),
    files: files.map((f) => ({ id: f.id!, name: recordingFileName(f), url: f.download_url!, ...(f.file_size !== undefined ? { size: f.file_size } : {}) })),
  };
}

function wanted(file: RecordingFile, data: DownloadJobData): boolean {
  if (data.fileId) return file.id === data.fileId;
  if (data.type === 'all') return true;
  return FILE_TYPES[data.type].includes((file.file_type ?? '').toUpperCase());
}
