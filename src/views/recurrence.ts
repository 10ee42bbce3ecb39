// How a meeting's or webinar's repeat pattern reads: Zoom's recurrence object (type, interval, days, end) as one
// line of words.
import type { SessionRecurrence } from '../zoom/meetings-webinars.js';

// Zoom numbers a recurrence's `weekly_days` from 1 = Sunday.
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** `Every 2 weeks on Monday, Thursday, 5 times`: the card's Repeats field and the edit form's note. */
export function describeRecurrence(r: SessionRecurrence): string {
  const every = r.repeat_interval && r.repeat_interval > 1 ? r.repeat_interval : 1;
  let pattern: string;
  switch (r.type) {
    case 1:
      pattern = every === 1 ? 'Daily' : `Every ${every} days`;
      break;
    case 2: {
      const days = (r.weekly_days ?? '')
        .split(',')
        .map((d) => WEEKDAYS[Number(d) - 1])
        .filter(Boolean)
        .join(', ');
      pattern = `${every === 1 ? 'Weekly' : `Every ${every} weeks`}${days ? ` on ${days}` : ''}`;
      break;
    }
    case 3:
      pattern = `${every === 1 ? 'Monthly' : `Every ${every} months`}${r.monthly_day ? ` on day ${r.monthly_day}` : ''}`;
      break;
    default:
      pattern = 'Repeats';
  }
  if (r.end_times) return `${pattern}, ${r.end_times} times`;
  if (r.end_date_time) return `${pattern}, until ${r.end_date_time.slice(0, 10)}`;
  return pattern;
}
