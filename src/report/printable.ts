// Characters JSON.stringify leaves raw that must not reach a terminal or a CI log either: DEL and
// the C1 controls (U+009B starts an escape sequence on many terminals), the line and paragraph
// separators, and the bidirectional controls that reorder what a reader sees.
const rawInJson =
  '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';

// Those, and the C0 controls, which JSON.stringify escapes.
const unsafeCharacter = new RegExp(`[\\u0000-\\u001f${rawInJson}]`);
// GitHub Actions' runner acts on a line that starts with `::` (after blanks) or holds `##[`.
const workflowCommand = /##\[|^\s*::/;
const leftRawByJson = new RegExp(`[${rawInJson}]|##\\[`, 'g');
// Either of the two above, in one pass over the text.
const needsQuoting = new RegExp(`${unsafeCharacter.source}|${workflowCommand.source}`);

/**
 * Whether text holds a character that must never be printed raw: a C0 or C1 control, DEL, a line
 * or paragraph separator, a bidirectional control.
 */
export function hasUnsafeCharacter(text: string): boolean {
  return unsafeCharacter.test(text);
}

/**
 * Make text from outside (file names, lock records, CI variables, anything a pull request or
 * another process controls) safe to print on a terminal or into a CI log, on one line. Ordinary
 * text comes back unchanged; anything else comes back quoted, with JSON's escapes (`\n`, `\u001b`,
 * `#\u0023[`), so it can neither break the line, drive the terminal, nor read as a workflow
 * command. Printing a result again changes nothing.
 */
export function printable(text: string): string {
  return needsQuoting.test(text) ? quoted(text) : text;
}

/** Like {@link printable}, but always quoted: for a name shown inside a sentence (`loop "x"`). */
export function quoted(text: string): string {
  return printableJson(JSON.stringify(text));
}

/**
 * Serialized JSON made safe to print the same way: escapes the characters `JSON.stringify` leaves
 * raw, and `##[`, inside its strings. The result parses to the same value.
 */
export function printableJson(json: string): string {
  return json.replace(leftRawByJson, (match) =>
    match === '##[' ? '#\\u0023[' : `\\u${match.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
