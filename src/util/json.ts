/**
 * One rule for every reader of a JSON format (center file, key file, route list, route input):
 * text that does not parse is that format's own error (`fail('not JSON')`), never a bare
 * SyntaxError that would surface as an internal error.
 */
export function parseJsonOr(text: string, fail: (why: string) => Error): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw fail('not JSON');
  }
}
