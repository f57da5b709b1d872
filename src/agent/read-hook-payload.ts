/** Standard input as the hook sees it: a byte stream that may never end. */
export interface PayloadStream {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(): unknown;
  destroy(): unknown;
}

/** How much the hook reads, and for how long, before it gives up on a payload. */
export interface PayloadLimits {
  maxBytes: number;
  timeoutMs: number;
}

/**
 * The agent hook's bounds, far above any real edit: a payload this large or this slow is not
 * waited for, read or checked.
 */
export const hookPayloadLimits: PayloadLimits = { maxBytes: 32 * 1024 * 1024, timeoutMs: 5_000 };

/** What came in on stdin. Only `json` carries a payload; the rest say why there is none. */
export type PayloadRead =
  | { kind: 'json'; value: unknown }
  | { kind: 'none'; why: string }
  | { kind: 'malformed'; why: string };

/**
 * Read one JSON hook payload from stdin without ever hanging: a terminal is not read at all, the
 * read stops as soon as the bytes so far form a whole JSON document (an agent may keep the pipe
 * open), and a payload larger than `maxBytes` or still incomplete after `timeoutMs` is given up.
 * The stream is destroyed afterwards, so an open pipe cannot keep the process alive.
 */
export function readHookPayload(
  stream: PayloadStream,
  isTTY: boolean,
  limits: PayloadLimits,
): Promise<PayloadRead> {
  if (isTTY) return Promise.resolve({ kind: 'none', why: 'stdin is a terminal' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: PayloadRead) => {
      clearTimeout(timer);
      stream.removeAllListeners();
      stream.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ kind: 'malformed', why: `no complete payload within ${limits.timeoutMs} ms` }),
      limits.timeoutMs,
    );
    stream.on('data', (chunk) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > limits.maxBytes) {
        finish({ kind: 'malformed', why: `payload larger than ${limits.maxBytes} bytes` });
        return;
      }
      chunks.push(bytes);
      // A JSON object ends with `}`: only then can the bytes so far be a whole payload.
      if (lastNonSpace(bytes) === 0x7d) {
        const parsed = parseJson(Buffer.concat(chunks).toString('utf8'));
        if (parsed.kind === 'json') finish(parsed);
      }
    });
    stream.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      finish(text.trim() === '' ? { kind: 'none', why: 'stdin is empty' } : parseJson(text));
    });
    stream.on('error', (error) =>
      finish({ kind: 'malformed', why: `cannot read stdin: ${error.message}` }),
    );
  });
}

function parseJson(text: string): PayloadRead {
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: 'malformed', why: `not JSON (${(error as Error).message})` };
  }
}

function lastNonSpace(bytes: Buffer): number | undefined {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const byte = bytes[i]!;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  }
  return undefined;
}
