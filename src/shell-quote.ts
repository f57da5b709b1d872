/** Quote a word for POSIX sh, leaving plain words (paths, names) as they are. */
export function shellQuote(text: string): string {
  return /^[\w./@+=:-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
