// Lenient building blocks for Zoom's answers: Zoom is inconsistent with itself, so the edge coerces.
import { z } from 'zod';

/** Meeting, webinar and user IDs: numbers in some payloads, strings in others; always a string inside the bot. */
export const zoomId = z.union([z.string(), z.number()]).transform(String);
