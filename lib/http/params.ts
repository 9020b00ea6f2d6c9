/**
 * A dynamic route segment as a name. Next hands pages their params decoded, except for escapes it
 * must keep (`%2F` stays, or the segment would split); those are decoded here. A value that still
 * cannot be decoded (a lone `%` from `%25`, `%ff`) names nothing: null, which pages turn into
 * their not-found answer instead of an error.
 */
export function decodeParam(value: string): string | null {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
