import { readFileSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';
import { runGit } from './run-git.js';

// git's scissors line (`git commit -v`): everything below it is dropped from the message.
const scissors = / -{24} >8 -{24}\n/;
// With core.commentChar=auto git picks the first of these that no line starts with.
const autoCommentChars = '#;@!$%^&|:';

/**
 * Add trailers to the commit message in `file` the way `git interpret-trailers` does (after the
 * message's own trailers, comments and a `git commit -v` diff left alone), each only when the
 * message does not carry that exact trailer yet, so an amend, a rebase or a cherry-pick never
 * doubles it. A message with no text of its own is left as it is: git aborts such a commit, and
 * a trailer would make it go through. Returns whether the file was changed.
 */
export async function addCommitTrailers(
  file: string,
  trailers: readonly { key: string; value: string }[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  const message = readFileSync(file, 'utf8');
  const commentChar = await runGit(['config', '--get', 'core.commentChar'], cwd, env);
  const chars = commentChar.exitCode === 0 ? commentChar.stdout.trim() : '#';
  if (isEmptyMessage(message, chars === 'auto' ? autoCommentChars : chars)) return false;
  const result = await runGit(
    [
      'interpret-trailers',
      '--in-place',
      '--where',
      'end',
      '--if-exists',
      'addIfDifferent',
      '--if-missing',
      'add',
      ...trailers.flatMap(({ key, value }) => ['--trailer', `${key}: ${value}`]),
      '--',
      file,
    ],
    cwd,
    env,
  );
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `git interpret-trailers failed on ${file}: ${result.stderr.trim() || `exit ${result.exitCode}`}`,
      'git-failed',
    );
  }
  return readFileSync(file, 'utf8') !== message;
}

/** True when every line above the scissors is blank or a comment (begins with one of `chars`). */
function isEmptyMessage(message: string, chars: string): boolean {
  const text = message.split(scissors)[0] ?? '';
  return text
    .split('\n')
    .every((line) => line.trim() === '' || (line !== '' && chars.includes(line[0]!)));
}
