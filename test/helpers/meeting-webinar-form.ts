// The meeting or webinar modal as Slack submits it: the fields' state, and the signed view_submission.
import { interactionBody, postSigned, viewSubmission } from './slack-requests.js';

export interface FormFields {
  topic: string;
  date: string;
  time: string;
  duration: string;
  agenda?: string;
  registration?: string;
  repeat?: string;
  occurrences?: string;
}

/** Slack's view.state.values for the session form, block by block, every input's action_id being `value`. */
export function formState(v: FormFields) {
  return {
    topic: { value: { type: 'plain_text_input', value: v.topic } },
    date: { value: { type: 'datepicker', selected_date: v.date } },
    time: { value: { type: 'timepicker', selected_time: v.time } },
    duration: { value: { type: 'number_input', value: v.duration } },
    timezone: { value: { type: 'static_select', selected_option: { value: 'Europe/Berlin' } } },
    host: { value: { type: 'email_text_input', value: null } },
    agenda: { value: { type: 'plain_text_input', value: v.agenda ?? null } },
    registration: { value: { type: 'radio_buttons', selected_option: { value: v.registration ?? 'none' } } },
    repeat: { value: { type: 'static_select', selected_option: { value: v.repeat ?? 'none' } } },
    occurrences: { value: { type: 'number_input', value: v.occurrences || null } },
  };
}

export function submitForm(
  botUrl: string,
  callbackId: string,
  values: Record<string, unknown>,
  meta: Record<string, unknown>,
  user: string,
): Promise<Response> {
  return postSigned(
    `${botUrl}/slack/events`,
    interactionBody(viewSubmission({ userId: user, callbackId, privateMetadata: JSON.stringify(meta), values: values as never })),
    'application/x-www-form-urlencoded',
  );
}
