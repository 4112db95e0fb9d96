/** A stored error "CODE: what happened" as its code and its words; the words are what an agent reads. */
export function splitError(text: string): { code: string | undefined; message: string } {
  const match = /^([A-Z][A-Z0-9_]+):\s+(.*)$/s.exec(text);
  return match === null ? { code: undefined, message: text } : { code: match[1], message: match[2] ?? text };
}
