import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { parsePlainArgs, type CommandFlags } from '../../src/cli/command-flags.js';
import { storeOptions } from '../../src/cli/guard-options.js';
import { storeFlags } from '../../src/cli/guard-flags.js';
import { acquireFlags, releaseFlags } from '../../src/cli/lock-flags.js';
import { locksAcquireCommand } from '../../src/cli/locks-acquire-command.js';
import { locksReleaseCommand } from '../../src/cli/locks-release-command.js';
import type { CommandSpec } from '../../src/cli/command-context.js';
import { plainLockCommand } from '../../src/cli/plain-lock-commands.js';

/** What yargs gives for `words` with the command's builder, under the table's camelCase names. */
function yargsArgs(spec: CommandSpec, flags: CommandFlags, words: string[]) {
  const parsed = spec
    .builder(storeOptions(yargs()))
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new Error(message);
    })
    .parseSync(words) as Record<string, unknown>;
  const names = Object.keys(flags).map((name) =>
    name.replace(/-([a-z])/g, (_m, letter: string) => letter.toUpperCase()),
  );
  return Object.fromEntries(
    names.filter((name) => parsed[name] !== undefined).map((name) => [name, parsed[name]]),
  );
}

const commands = {
  acquire: { spec: locksAcquireCommand, flags: { ...storeFlags, ...acquireFlags } },
  release: { spec: locksReleaseCommand, flags: { ...storeFlags, ...releaseFlags } },
};

// Plain spellings: the plain parser reads them, and must read them exactly as yargs does.
const plain: [keyof typeof commands, string[]][] = [
  ['acquire', ['--name', 'bench', '--scope', 'src', '--pid', '123', '--loops-dir', '/x/.loops']],
  ['acquire', ['--name', 'a', '--scope', 'src', '--scope', 'docs/x y', '--singleton']],
  ['acquire', ['--name', '5', '--scope', '', '--instance', 'true', '--format', 'json']],
  ['acquire', ['--name', 'a', '--wait', '1e3', '--pid', '0x10']],
  ['acquire', ['--name', 'a', '--wait', ' 5', '--pid', '']],
  ['acquire', ['--name', 'a', '--wait', 'abc', '--pid', '1.5']],
  ['acquire', ['--name', 'a', '--store', 'postgres://u@h:1/d', '--namespace', 'n']],
  ['acquire', ['--name', 'a']],
  ['release', ['--name', 'bench', '--force', '--loops-dir', 'rel/.loops']],
  ['release', ['--instance', 'generated/task-1']],
  ['release', ['--instance', '0', '--store', 's']],
];

// Everything else is left to yargs, for its messages, its help and its other spellings.
const notPlain: [keyof typeof commands, string[]][] = [
  ['acquire', ['--name', 'a', '--help']],
  ['acquire', ['--name', 'a', '-h']],
  ['acquire', ['--name', 'a', '--version']],
  ['acquire', ['--name=a']],
  ['acquire', ['--name', '"a"', '--scope="src"']],
  ['acquire', ['--name', 'a', '--name', 'b']],
  ['acquire', ['--name', 'a', '--pid', '1', '--pid', '2']],
  ['acquire', ['--name', '-x']],
  ['acquire', ['--name', 'a', '--wait', '-1']],
  ['acquire', ['--name', 'a', '--scope', 'src', 'docs']],
  ['acquire', ['--name', 'a', '--no-singleton']],
  ['acquire', ['--name', 'a', '--singleton', 'true']],
  ['acquire', ['--name', 'a', '--loopsDir', 'd']],
  ['acquire', ['--name', 'a', '--format', 'xml']],
  ['acquire', ['--name', 'a', '--', 'cmd']],
  ['acquire', ['--name']],
  ['acquire', ['--scope', 'src']],
  ['acquire', ['--name', 'a', '--bogus']],
  ['release', []],
  ['release', ['--force']],
  ['release', ['--instance', 'a', '--name', 'b']],
  ['release', ['--name', 'a', '--force=false']],
  ['release', ['--instance', 'a', 'b']],
];

describe('the plain parser of locks acquire and locks release', () => {
  it.each(plain)('reads %s %j exactly as yargs does', (command, words) => {
    const { spec, flags } = commands[command];
    const args = parsePlainArgs(flags, words);
    expect(args).toBeDefined();
    expect(args).toEqual(yargsArgs(spec, flags, words));
    expect(plainLockCommand(['locks', command, ...words])).toBeDefined();
  });

  it.each(notPlain)('leaves %s %j to yargs', (command, words) => {
    expect(plainLockCommand(['locks', command, ...words])).toBeUndefined();
  });

  it('leaves every other locks command to yargs', () => {
    for (const command of ['list', 'wait', 'reap', 'acquir', 'constructor'])
      expect(plainLockCommand(['locks', command, '--name', 'a'])).toBeUndefined();
    expect(plainLockCommand(['run', '--name', 'a'])).toBeUndefined();
  });
});
