// One finding of the doctor: pure data, shown in Slack (views/doctor.ts) and on the terminal (cli.ts) alike.
// Lines never carry a secret: checks name variables, never their values.

export type DoctorArea = 'Slack' | 'Zoom' | 'Runtime';

export interface DoctorLine {
  ok: boolean;
  area: DoctorArea;
  /** What was checked and found, one sentence: "Redis keeps accepted work (AOF on, noeviction)". */
  what: string;
  /** For a ✗ line: the one sentence that says how to fix it. */
  fix?: string;
  /** Neither good nor bad: something not configured, said so it is not mistaken for forgotten (shown with –). */
  neutral?: true;
}

export const good = (area: DoctorArea, what: string): DoctorLine => ({ ok: true, area, what });
export const note = (area: DoctorArea, what: string): DoctorLine => ({ ok: true, area, what, neutral: true });
export const bad = (area: DoctorArea, what: string, fix: string): DoctorLine => ({ ok: false, area, what, fix });

/** An error's message for a line; checks fail on network or Redis trouble and the doctor keeps going. */
export function reason(error: unknown): string {
  const e = error as { data?: { error?: string }; message?: string } | undefined;
  return e?.data?.error ?? e?.message ?? String(error);
}
