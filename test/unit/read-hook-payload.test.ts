import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readHookPayload } from '../../src/agent/read-hook-payload.js';

const limits = { maxBytes: 1000, timeoutMs: 200 };

describe('readHookPayload', () => {
  it('reads a payload written in pieces up to the end of input', async () => {
    const stream = new PassThrough();
    const read = readHookPayload(stream, false, limits);
    stream.write('{"tool_name": "Edit", ');
    stream.write('"tool_input": {"file_path": "a}"}');
    stream.end('}\n');
    expect(await read).toEqual({
      kind: 'json',
      value: { tool_name: 'Edit', tool_input: { file_path: 'a}' } },
    });
  });

  it('answers as soon as a whole document is in, though the writer keeps the pipe open', async () => {
    const stream = new PassThrough();
    const read = readHookPayload(stream, false, { ...limits, timeoutMs: 60_000 });
    stream.write('{"a": 1}\n');
    expect(await read).toEqual({ kind: 'json', value: { a: 1 } });
    expect(stream.destroyed).toBe(true);
  });

  it('does not read a terminal', async () => {
    const stream = new PassThrough();
    expect(await readHookPayload(stream, true, limits)).toEqual({
      kind: 'none',
      why: 'stdin is a terminal',
    });
  });

  it('calls empty input no payload', async () => {
    const stream = new PassThrough();
    const read = readHookPayload(stream, false, limits);
    stream.end(' \n');
    expect(await read).toEqual({ kind: 'none', why: 'stdin is empty' });
  });

  it('gives up on a payload that never ends, and closes the stream', async () => {
    const stream = new PassThrough();
    const read = readHookPayload(stream, false, limits);
    stream.write('{"tool_name": "Ed');
    expect(await read).toEqual({
      kind: 'malformed',
      why: 'no complete payload within 200 ms',
    });
    expect(stream.destroyed).toBe(true);
  });

  it('stops reading past the size cap', async () => {
    const stream = new PassThrough();
    const read = readHookPayload(stream, false, limits);
    stream.write(`{"content": "${'x'.repeat(2000)}"}`);
    expect(await read).toEqual({ kind: 'malformed', why: 'payload larger than 1000 bytes' });
  });

  it('reports input that is not JSON', async () => {
    const stream = new PassThrough();
    const read = readHookPayload(stream, false, limits);
    stream.end('nope');
    expect((await read).kind).toBe('malformed');
  });
});
