/**
 * PostgreSQL text cannot hold the NUL character (U+0000): a string carrying one fails in SQL,
 * whatever the field. The HTTP boundary rejects it up front and names the field.
 */
export type TextIssue = { path: string; message: string };

/** The first string (or object key) holding a NUL, with its path ("body.contacts.0.name"); null if none. */
export function findNulText(value: unknown, root: string): TextIssue | null {
  // Iterative: a hostile body may be nested thousands of levels deep.
  const stack: [unknown, string][] = [[value, root]];
  let visited = 0;
  while (stack.length > 0 && visited < 200_000) {
    const [v, path] = stack.pop() as [unknown, string];
    visited++;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { path, message: 'must not contain the NUL character (\\u0000)' };
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k.includes('\u0000'))
          return { path, message: 'a key must not contain the NUL character (\\u0000)' };
        stack.push([child, `${path}.${k}`]);
      }
    }
  }
  return null;
}
