/**
 * Any character that must never reach a terminal or a CI log raw: C0 and C1 controls, DEL, line
 * and paragraph separators, bidi controls. Line feeds are allowed: they end an output's lines.
 */
export const rawControl =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
