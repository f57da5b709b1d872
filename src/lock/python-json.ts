/** What Python's `json.loads` makes of a text, as far as a reader that must agree with it needs. */
export type PythonJsonResult =
  | { ok: true; value: unknown }
  | {
      ok: false;
      /** True when Python raises `JSONDecodeError` too; false when it fails otherwise or reads it. */
      pythonSkips: boolean;
      reason: string;
    };

// Python refuses to turn more digits than this into an int (`sys.get_int_max_str_digits()`), and
// raises ValueError instead of JSONDecodeError.
const pythonMaxIntDigits = 4300;
// Python's decoder recurses per nesting level and raises RecursionError near its recursion limit
// (1000 frames, fewer when called deep in a program); a real record nests two levels.
const maxNesting = 100;
const nonFiniteTokens = ['-Infinity', 'Infinity', 'NaN'];
// Matches a text with more than `maxNesting` brackets and braces in all, strings included; a text
// with fewer cannot nest deeper than that.
const moreOpenersThanNesting = new RegExp(`^(?:[^[{]*[[{]){${maxNesting + 1}}`);

/**
 * Parse JSON and say where Python's `json.loads` would disagree: it also accepts `NaN`,
 * `Infinity` and `-Infinity`, and it fails (with something other than `JSONDecodeError`) on very
 * long integers and very deep nesting. Texts that only Python can read, or that Python fails on,
 * come back with `pythonSkips: false`.
 */
export function parsePythonJson(text: string): PythonJsonResult {
  // The common case, a record of a few hundred bytes, without scanning the text: so short a text
  // holds no digit run Python refuses, and JSON's nesting is its value's. A record has a handful
  // of brackets, which one regular expression counts: the parsed value is walked only when there
  // are more, so a scan of thousands runs no JavaScript loop over them (one that the scan would
  // make hot enough for V8 to compile with TurboFan).
  if (text.length <= pythonMaxIntDigits) {
    const value = parsedOrUndefined(text);
    if (
      value !== undefined &&
      (!moreOpenersThanNesting.test(text) || nestingOf(value, 0) <= maxNesting)
    )
      return { ok: true, value };
  }
  const outside = scanOutsideStrings(text);
  if (outside.longestDigitRun > pythonMaxIntDigits) {
    return fails(`holds a number of more than ${pythonMaxIntDigits} digits`);
  }
  if (outside.deepestNesting > maxNesting) {
    return fails(`nests more than ${maxNesting} levels deep`);
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // Not JSON to us; Python reads it only if its non-finite numbers are what stands in the way.
  }
  if (outside.withFiniteNumbers !== text) {
    try {
      JSON.parse(outside.withFiniteNumbers);
      return fails('holds NaN or Infinity, which only Python reads as numbers');
    } catch {
      // Broken for Python as well.
    }
  }
  return {
    ok: false,
    pythonSkips: true,
    reason: 'not valid JSON (truncated or partly written?)',
  };
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** How deep arrays and objects nest in a parsed value, counted no further than past `maxNesting`. */
function nestingOf(value: unknown, depth: number): number {
  if (typeof value !== 'object' || value === null || depth > maxNesting) return depth;
  let deepest = depth + 1;
  // Indexed and for-in loops, and no call for a string or number: a record's dozen values cost
  // no array of values, no iterator and no call each.
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length && deepest <= maxNesting; index++) {
      const item: unknown = value[index];
      if (typeof item === 'object' && item !== null)
        deepest = Math.max(deepest, nestingOf(item, depth + 1));
    }
  } else {
    const fields = value as Record<string, unknown>;
    for (const key in fields) {
      const item = fields[key];
      if (typeof item === 'object' && item !== null)
        deepest = Math.max(deepest, nestingOf(item, depth + 1));
      if (deepest > maxNesting) break;
    }
  }
  return deepest;
}

function fails(reason: string): PythonJsonResult {
  return { ok: false, pythonSkips: false, reason };
}

/**
 * One pass over the text outside string literals: the longest run of digits, the deepest nesting,
 * and the text with Python's non-finite number tokens replaced by `0`.
 */
function scanOutsideStrings(text: string): {
  longestDigitRun: number;
  deepestNesting: number;
  withFiniteNumbers: string;
} {
  let longestDigitRun = 0;
  let deepestNesting = 0;
  let nesting = 0;
  let digitRun = 0;
  let replaced = '';
  let copiedUpTo = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char >= '0' && char <= '9') {
      digitRun++;
      longestDigitRun = Math.max(longestDigitRun, digitRun);
      continue;
    }
    digitRun = 0;
    if (char === '"') {
      index = endOfString(text, index);
    } else if (char === '[' || char === '{') {
      deepestNesting = Math.max(deepestNesting, ++nesting);
    } else if (char === ']' || char === '}') {
      nesting--;
    } else {
      const token = nonFiniteTokens.find((candidate) => text.startsWith(candidate, index));
      if (token) {
        replaced += `${text.slice(copiedUpTo, index)}0`;
        copiedUpTo = index + token.length;
        index = copiedUpTo - 1;
      }
    }
  }
  return {
    longestDigitRun,
    deepestNesting,
    withFiniteNumbers: copiedUpTo === 0 ? text : replaced + text.slice(copiedUpTo),
  };
}

/** The index of the quote that closes the string opened at `start` (or the text's last index). */
function endOfString(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return index;
  }
  return text.length - 1;
}
