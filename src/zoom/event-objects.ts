// The objects inside the Zoom events the bot relays, read leniently (Zoom's own examples break its schemas):
// only what an alert shows is required, IDs are coerced to strings, unknown keys are kept.
import { z } from 'zod';
import { zoomId } from './schemas.js';

const text = z.string().optional();
const num = z.coerce.number().optional();

export const EventSession = z.looseObject({
  id: zoomId.optional(),
  uuid: text,
  topic: text,
  start_time: text,
  end_time: text,
  duration: num,
  timezone: text,
  join_url: text,
  host_id: text,
  occurrences: z.array(z.looseObject({ occurrence_id: zoomId.optional(), start_time: text })).optional(),
});

export const EventRegistrant = z.looseObject({
  id: z.string(),
  email: z.string(),
  first_name: text,
  last_name: text,
  /** `pending` when the session approves registrations manually. */
  status: text,
});

export const EventRecordingFile = z.looseObject({
  id: text,
  file_type: text,
  file_size: num,
  recording_type: text,
});

export const EventRecording = EventSession.extend({
  host_email: text,
  share_url: text,
  total_size: num,
  recording_files: z.array(EventRecordingFile).default([]),
});

const PhoneParty = z.looseObject({
  name: text,
  phone_number: text,
  extension_number: zoomId.optional(),
  extension_type: text,
});

export const EventCall = z.looseObject({
  call_id: zoomId.optional(),
  caller: PhoneParty.optional(),
  callee: PhoneParty.optional(),
  ringing_start_time: text,
  answer_start_time: text,
  call_end_time: text,
  handup_result: text,
});

export const EventVoicemail = z.looseObject({
  caller_name: text,
  caller_number: zoomId.optional(),
  caller_did_number: text,
  callee_name: text,
  callee_number: zoomId.optional(),
  duration: num,
  date_time: text,
});

export const EventChatChannel = z.looseObject({
  id: text,
  name: text,
  channel_name: text,
  members: z.array(z.looseObject({ id: text, display_name: text })).optional(),
});

export const EventChatMessage = z.looseObject({
  id: text,
  message_id: text,
  channel_name: text,
  contact_email: text,
  message: text,
  date_time: text,
});

export const EventUser = z.looseObject({
  id: text,
  email: text,
  first_name: text,
  last_name: text,
  display_name: text,
  client_type: text,
  version: text,
  date_time: text,
});
