// Zoom IDs as URL path segments: each value is encoded exactly as Zoom expects, and exactly once.
// Meeting and webinar UUIDs that start with "/" or contain "//" must be encoded twice (Zoom's rule).

/** A path segment that is already encoded; zoomPath inserts it as is. */
export class PathSegment {
  constructor(readonly encoded: string) {}

  toString(): string {
    return this.encoded;
  }
}

export type PathValue = string | number | PathSegment;

export function encodePathSegment(value: string | number): string {
  return encodeURIComponent(String(value));
}

/** A meeting or webinar ID (numeric, used as is) or instance UUID, ready for the path. */
export function meetingPathId(idOrUuid: string | number): PathSegment {
  const value = String(idOrUuid);
  if (/^\d+$/.test(value)) return new PathSegment(value);
  const once = encodePathSegment(value);
  return new PathSegment(value.startsWith('/') || value.includes('//') ? encodePathSegment(once) : once);
}

/**
 * Builds a request path, encoding each interpolated value: zoomPath`/users/${email}/meetings`.
 * An empty value throws, because `/users/` + '' + `/meetings` would silently call a different endpoint.
 */
export function zoomPath(strings: TemplateStringsArray, ...values: PathValue[]): string {
  return strings.reduce((path, literal, i) => {
    if (i === 0) return literal;
    const value = values[i - 1];
    const segment = value instanceof PathSegment ? value.encoded : encodePathSegment(value ?? '');
    if (segment === '') throw new Error(`zoomPath: empty value for path segment ${i} after "${path}"`);
    return path + segment + literal;
  }, '');
}
