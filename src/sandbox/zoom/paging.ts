// Zoom-style pagination for sandbox lists: page_size (default and maximum per endpoint) and an opaque
// next_page_token that is "" on the last page. The token carries its offset and the query it belongs to,
// so a token replayed with a different filter is refused like an invalid one.
import { createHash } from 'node:crypto';
import { ZoomError, validationFailed, type Query } from './http.js';

export interface PageRule {
  /** Zoom's default page_size for the endpoint. */
  defaultSize: number;
  /** Zoom's documented maximum; larger requests are cut to it. */
  maxSize: number;
}

export const LIST_300: PageRule = { defaultSize: 30, maxSize: 300 };

export interface Page<T> {
  items: T[];
  fields: { page_size: number; total_records: number; next_page_token: string; page_count: number };
}

function fingerprint(scope: string, query: Query): string {
  const { next_page_token: _ignored, page_size: _size, ...filters } = query;
  const sorted = Object.entries(filters).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(`${scope}?${JSON.stringify(sorted)}`).digest('base64url').slice(0, 10);
}

function pageSizeOf(query: Query, rule: PageRule): number {
  const raw = query.page_size;
  if (raw === undefined || raw === '') return rule.defaultSize;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1) throw validationFailed('page_size', 'must be a positive integer');
  return Math.min(size, rule.maxSize);
}

/** One page of `items` for `query`; `scope` names the list (path), so tokens do not cross lists. */
export function paginate<T>(items: readonly T[], query: Query, rule: PageRule, scope: string): Page<T> {
  const size = pageSizeOf(query, rule);
  const key = fingerprint(scope, query);
  let offset = 0;
  const token = query.next_page_token;
  if (token) {
    const [offsetText, tokenKey] = Buffer.from(token, 'base64url').toString('utf8').split(':');
    offset = Number(offsetText);
    if (tokenKey !== key || !Number.isInteger(offset) || offset < 0) {
      throw new ZoomError(400, 300, 'The next page token is invalid or expired.');
    }
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(`${offset + size}:${key}`).toString('base64url') : '';
  return {
    items: slice,
    fields: {
      page_size: size,
      total_records: items.length,
      next_page_token: next,
      page_count: Math.ceil(items.length / size),
    },
  };
}
