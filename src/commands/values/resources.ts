// The resource word of a `/zoom` command (`meeting`, `webinar`, `recordings` …), with the spellings admins also type.
// docs/command-grammar.md names each resource once; the other spelling is accepted because admins type both.
const RESOURCE_ALIASES: Readonly<Record<string, string>> = {
  meeting: 'meeting',
  meetings: 'meeting',
  webinar: 'webinar',
  webinars: 'webinar',
  recording: 'recordings',
  recordings: 'recordings',
  user: 'users',
  users: 'users',
  job: 'jobs',
  jobs: 'jobs',
  rule: 'rules',
  rules: 'rules',
};

/** The canonical resource name (`meetings` → `meeting`, `user` → `users`); other words lower-cased as is. */
export function parseResource(word: string): string {
  const lower = word.trim().toLowerCase();
  return RESOURCE_ALIASES[lower] ?? lower;
}
