// Small but real recording files for the sandbox: an MP4 and an M4A with valid ISO-BMFF headers and deterministic
// payloads, a WebVTT transcript and a chat log, so downloads, sizes, Range requests and previews all work.
import { createHash } from 'node:crypto';

function box(type: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

/** Bytes that look like media data and are the same for the same label. */
function noise(label: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(label).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset, 0, Math.min(block.length, size - offset));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

function isoMedia(brand: string, label: string, mediaBytes: number): Buffer {
  const ftyp = box('ftyp', Buffer.concat([Buffer.from(brand, 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from(`${brand}isomiso2mp41`, 'latin1')]));
  return Buffer.concat([ftyp, box('free', Buffer.from('ZoomOps sandbox recording', 'latin1')), box('mdat', noise(label, mediaBytes))]);
}

export const mp4 = (label: string): Buffer => isoMedia('isom', `mp4:${label}`, 48 * 1024);
export const m4a = (label: string): Buffer => isoMedia('M4A ', `m4a:${label}`, 16 * 1024);

export function transcript(lines: Array<[speaker: string, text: string]>): Buffer {
  const cues = lines.map(([speaker, text], i) => {
    const from = `00:00:${String(i * 4 + 1).padStart(2, '0')}.000`;
    const to = `00:00:${String(i * 4 + 4).padStart(2, '0')}.500`;
    return `${i + 1}\n${from} --> ${to}\n${speaker}: ${text}\n`;
  });
  return Buffer.from(`WEBVTT\n\n${cues.join('\n')}`);
}

export function chatLog(lines: Array<[speaker: string, text: string]>): Buffer {
  return Buffer.from(
    lines.map(([speaker, text], i) => `00:0${Math.min(i, 9)}:1${i % 10}\t From  ${speaker} to  Everyone:\n\t${text}\n`).join(''),
  );
}
