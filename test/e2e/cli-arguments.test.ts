import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCiRepo, noCiEnv } from '../support/ci-repo.js';
import { runCli } from '../support/cli.js';
import { recordNames } from '../support/lock-records.js';
import { makeTempDir, makeTempRepo } from '../support/temp-dir.js';

describe('flag values that look like help or version', () => {
  it('are never read as a request for help: the command refuses with exit 2 and does nothing', async () => {
    const repo = makeCiRepo();
    const pid = String(process.pid);
    const cases: { args: string[]; option: string }[] = [
      { args: ['ci', '--base', '--help'], option: '--base' },
      { args: ['check', '--base', '--version'], option: '--base' },
      { args: ['locks', 'acquire', '--name', '--version', '--scope', 'x'], option: '--name' },
      { args: ['ci', '--head', '-h'], option: '--head' },
      { args: ['check', '--base', '-h'], option: '--base' },
      { args: ['check', '--format', '-h'], option: '--format' },
      { args: ['run', '--name', 'job', '--scope', '-h', '--', 'touch', 'ran'], option: '--scope' },
      { args: ['run', '--name', '--help', '--', 'touch', 'ran'], option: '--name' },
      {
        args: ['locks', 'acquire', '--name', '-h', '--scope', 'x', '--pid', pid],
        option: '--name',
      },
      {
        args: ['locks', 'acquire', '--name', 'a', '--pid', pid, '--scope', '-h'],
        option: '--scope',
      },
      { args: ['locks', 'acquire', '--name', 'a', '--instance', '-h'], option: '--instance' },
      {
        args: ['locks', 'acquire', '--name', 'a', '--scope', 'x', '--wait', '-h'],
        option: '--wait',
      },
      { args: ['locks', 'acquire', '--name', 'a', '--pid', '--help'], option: '--pid' },
      { args: ['locks', 'list', '--loops-dir', '--version'], option: '--loops-dir' },
      { args: ['locks', 'list', '--loopsDir', '-h'], option: '--loopsDir' },
      { args: ['locks', 'wait', '--scope', 'x', '--timeout', '-h'], option: '--timeout' },
      { args: ['locks', 'release', '--instance', '-h'], option: '--instance' },
    ];
    for (const { args, option } of cases) {
      const result = await runCli(args, { cwd: repo.root, env: noCiEnv() });
      const label = args.join(' ');
      expect(result.code, label).toBe(2);
      expect(result.stdout, label).toBe('');
      expect(result.stderr, label).toContain(`${option} needs a value`);
    }
    expect(existsSync(path.join(repo.root, 'ran'))).toBe(false);
    expect(recordNames(repo.root)).toEqual([]);
  });

  it('are taken as values when written with =, and then refused as refs or names', async () => {
    const repo = makeCiRepo();
    const ref = await runCli(['ci', '--head=-h'], { cwd: repo.root, env: noCiEnv() });
    expect(ref.code).toBe(3);
    expect(ref.stderr).toContain('"-h" does not name a commit');
    const name = await runCli(
      ['locks', 'acquire', '--name=--help', '--scope', 'x', '--pid', String(process.pid)],
      { cwd: repo.root },
    );
    expect(name.code).toBe(2);
    expect(name.stdout).toBe('');
    expect(name.stderr).toContain('invalid loop name "--help"');
    expect(recordNames(repo.root)).toEqual([]);
  });

  it('an option with nothing after it is refused, not read as empty', async () => {
    const root = makeTempRepo();
    for (const args of [
      ['locks', 'list', '--loops-dir'],
      ['locks', 'wait', '--scope', 'x', '--timeout'],
      ['run', '--name', 'job', '--scope', '--', 'touch', 'ran'],
    ]) {
      const result = await runCli(args, { cwd: root });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/--[a-z-]+ needs a value/);
    }
    expect(existsSync(path.join(root, 'ran'))).toBe(false);
  });

  it('help asked for on its own still works', async () => {
    const root = makeTempRepo();
    for (const args of [
      ['locks', 'acquire', '--help'],
      ['run', '--name', 'job', '-h'],
      ['check', '--base', 'main', '--help'],
    ]) {
      const result = await runCli(args, { cwd: root });
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toContain('Options:');
    }
  });
});

describe('everything after -- ', () => {
  it('reaches the command of run byte for byte', async () => {
    const root = makeTempRepo();
    const words = [
      '1.0',
      '1.10',
      '.5',
      '5.',
      '-0',
      '1e3',
      '0x10',
      '',
      '--',
      '-h',
      '--help',
      '--version',
      'naïve ü 日本',
      'two\nlines',
      ' padded ',
      '"quoted"',
      "'single'",
      '$HOME',
      '*',
    ];
    const result = await runCli(['run', '--name', 'job', '--', 'printf', '[%s]', ...words], {
      cwd: root,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(words.map((word) => `[${word}]`).join(''));
  });

  it('is refused by the commands that run nothing, instead of being ignored', async () => {
    const root = makeTempRepo();
    for (const args of [
      ['check', '--', 'src/a.ts'],
      ['locks', 'list', '--', 'x'],
      ['locks', 'acquire', '--name', 'a', '--pid', String(process.pid), '--', 'x'],
    ]) {
      const result = await runCli(args, { cwd: root });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(result.stderr, args.join(' ')).toContain('only `scopeguard run` takes');
    }
    expect(recordNames(root)).toEqual([]);
  });
});

describe('words the parser does not know', () => {
  it('an unknown option before the command is named, with the closest known one', async () => {
    const root = makeTempDir();
    const cases: [string[], string][] = [
      [['--bogus', 'check'], 'unknown option --bogus (`scopeguard --help` lists them)'],
      [['--verison'], 'unknown option --verison; did you mean --version?'],
      [['-v'], 'unknown option -v; did you mean --version?'],
      [['-V'], 'unknown option -V; did you mean --version?'],
      [
        ['--loop-dir', 'x', 'locks', 'list'],
        'unknown option --loop-dir; did you mean --loops-dir?',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, { cwd: root });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(`scopeguard: ${message}`);
    }
    const known = await runCli(['--loops-dir', root, 'locks', 'list'], { cwd: root });
    expect(known.code, known.stderr).toBe(0);
  });

  it('`locks` alone asks for a locks command by name', async () => {
    const result = await runCli(['locks'], { cwd: makeTempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'scopeguard: name a locks command: list, acquire, release, reap or wait',
    );
  });
});
