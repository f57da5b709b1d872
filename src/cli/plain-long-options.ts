/** Options in node's parseArgs terms; short names are left to parseArgs. */
export type PlainOptions = Readonly<
  Record<
    string,
    { type: 'string' | 'boolean'; multiple?: boolean; default?: string; short?: string }
  >
>;

/**
 * What node's `util.parseArgs` (strict, no positionals) returns for `argv` when every argument is
 * a known long option written plainly: `--flag`, or `--name value` with a value that does not
 * start with a dash, each option once unless it is `multiple`. Undefined for anything else
 * (`--name=value`, short options, `--`, unknown names, a missing value, a repeated option), which
 * the caller's full parser (parseArgs, yargs) then reads, or rejects with its own message.
 * The hooks run on every commit and agent edit, and loading parseArgs costs about 5% of a node
 * start; the hook scripts pass only plain arguments (`--staged-from-stdin`, `--agent claude`).
 */
export function parsePlainLongOptions(
  argv: readonly string[],
  options: PlainOptions,
): Record<string, string | boolean | string[]> | undefined {
  const values: Record<string, string | boolean | string[]> = Object.create(null) as Record<
    string,
    string | boolean | string[]
  >;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.slice(2);
    if (!arg.startsWith('--') || !Object.hasOwn(options, name)) return undefined;
    const option = options[name]!;
    let value: string | boolean = true;
    if (option.type === 'string') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) return undefined;
      value = next;
      i++;
    }
    if (option.multiple) {
      const list = (values[name] ??= []) as (string | boolean)[];
      list.push(value);
    } else if (name in values) {
      // parseArgs keeps the last, yargs makes an array: the caller's full parser decides.
      return undefined;
    } else {
      values[name] = value;
    }
  }
  for (const [name, option] of Object.entries(options)) {
    if (option.default !== undefined && !(name in values)) values[name] = option.default;
  }
  return values;
}
