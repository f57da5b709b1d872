import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parsePlainLongOptions, type PlainOptions } from '../../src/cli/plain-long-options.js';

const options = {
  agent: { type: 'string', default: 'claude' },
  mode: { type: 'string' },
  as: { type: 'string', multiple: true },
  strict: { type: 'boolean' },
  'staged-from-stdin': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies PlainOptions;

function nodeParse(argv: string[]): unknown {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('parsePlainLongOptions', () => {
  it.each([
    [[]],
    [['--staged-from-stdin']],
    [['--agent', 'codex']],
    [['--as', 'a', '--strict', '--as', 'b', '--mode', 'warn']],
    [['--strict', '--help']],
    [['--mode', '']],
  ])('reads %j as parseArgs does', (argv) => {
    const plain = parsePlainLongOptions(argv, options);
    expect(plain).toBeDefined();
    expect(plain).toStrictEqual(nodeParse(argv));
  });

  it.each([
    [['--agent=codex']],
    [['-h']],
    [['--agent']],
    [['--agent', '-x']],
    [['--mode', '--strict']],
    [['--strict=1']],
    [['--unknown']],
    [['--']],
    [['--toString']],
    [['--__proto__', 'x']],
    [['file']],
    [['--strict', 'file']],
    // parseArgs keeps the last of a repeated option, yargs makes an array of it.
    [['--agent', 'codex', '--agent', 'cursor']],
    [['--strict', '--strict']],
  ])('leaves %j to parseArgs', (argv) => {
    expect(parsePlainLongOptions(argv, options)).toBeUndefined();
  });
});
