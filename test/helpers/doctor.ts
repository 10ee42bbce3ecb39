// What the doctor's tests share: a Zoom token that grants every scope the command table needs.
import { SCOPE_TABLE } from '../../src/doctor/zoom-scopes.js';

/** Every granular scope of the table: a token with all of them blocks no command. */
export const ALL_ZOOM_SCOPES = [...new Set(SCOPE_TABLE.flatMap((row) => row.needs.map((n) => n.granular)))];
