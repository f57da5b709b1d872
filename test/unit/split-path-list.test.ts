import { describe, expect, it } from 'vitest';
import { splitPathList } from '../../src/cli/check-command.js';

// What `check --stdin` reads, as the splitter before it kept the pieces in place gave it.
describe('splitPathList', () => {
  it.each([
    ['a\nb\n', ['a', 'b']],
    ['a\r\nb\r\nc', ['a', 'b', 'c']],
    // Only a CR before an LF ends a line: the last line keeps its CR.
    ['a\r\nb\r', ['a', 'b\r']],
    ['x\r', ['x\r']],
    ['a\rb\nc\r\n', ['a\rb', 'c']],
    ['\n\na\n\n', ['a']],
    ['', []],
    ['\r\n', []],
    // With a NUL anywhere, only NULs separate: newlines and CRs are part of the names.
    ['a\0b\0\0c\0', ['a', 'b', 'c']],
    ['a\nb\0c\r\n\0', ['a\nb', 'c\r\n']],
    ['sp ace\n"q"\n日本/é\n', ['sp ace', '"q"', '日本/é']],
    // Duplicates are kept: the change set drops them.
    ['dup\ndup\n', ['dup', 'dup']],
  ])('%j', (input, expected) => {
    expect(splitPathList(input)).toEqual(expected);
  });
});
