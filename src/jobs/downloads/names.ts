// Where a recording file lands: ZOOMOPS_RECORDINGS_DIR/<yyyy-mm-dd>_<topic>_<meetingId>/<type>_<fileId>.<ext>, with
// names that every file system accepts (Windows' reserved names and characters, length limits, no dot files).
import type { Recording, RecordingFile } from '../../zoom/recordings.js';

// Forbidden on Windows or meaningful to a shell or a path: replaced, never passed through.
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f\u007f]+/g;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
// Well below the 255-byte name limit of ext4, NTFS, APFS and SMB shares, leaving room for `.part`.
const MAX_NAME_BYTES = 120;
const MAX_TOPIC_BYTES = 60;

/** One path segment made safe; `fallback` when nothing usable is left. */
export function safeName(text: string, maxBytes = MAX_NAME_BYTES, fallback = 'recording'): string {
  let name = text
    .normalize('NFC')
    .replace(UNSAFE, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '');
  name = cutToBytes(name, maxBytes).replace(/[.\s]+$/, '');
  if (name === '') return fallback;
  return RESERVED.test(name) ? `_${name}` : name;
}

function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}

/** `2026-03-14_Quarterly review_81234567890`: the UTC day the instance started, its topic, its meeting ID. */
export function recordingFolderName(recording: Pick<Recording, 'start_time' | 'topic' | 'id'>): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(recording.start_time ?? '')?.[0] ?? 'undated';
  const topic = safeName(recording.topic.replace(/\s+/g, ' '), MAX_TOPIC_BYTES, 'untitled');
  return safeName(`${day}_${topic}_${recording.id}`);
}

/** `shared_screen_with_speaker_view_ed6c2f27.mp4`. */
export function recordingFileName(file: Pick<RecordingFile, 'recording_type' | 'file_type' | 'id' | 'file_extension'>): string {
  const kind = file.recording_type ?? file.file_type ?? 'file';
  const ext = safeName((file.file_extension ?? file.file_type ?? 'bin').toLowerCase(), 10, 'bin');
  const base = safeName(`${kind}_${file.id ?? 'unknown'}`, MAX_NAME_BYTES - ext.length - 1);
  return `${base}.${ext}`;
}
