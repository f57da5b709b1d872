import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockRecordError } from '../../src/errors.js';
import { LockManager } from '../../src/lock/lock-manager.js';
import { pythonIsoTimestamp } from '../../src/lock/lock-record.js';
import { repoRoot } from '../support/cli.js';
import { pythonAvailable, pythonScript, pythonVersions } from '../support/python-peer.js';

// Every record shape below is planted in a fresh directory and met by one acquire from each Python
// version and from scopeguard. Whenever either Python version refuses (a conflict, or an exception
// that stops its acquire), scopeguard must refuse too; scopeguard may refuse more only because of
// a record it reports as one it cannot judge.

/** What planting a shape needs: the project folder, its `.running` folder and two real pids. */
interface Context {
  root: string;
  running: string;
  /** A live process that is no ancestor of any acquirer. */
  live: number;
  /** A process that has exited. */
  dead: number;
  startedAt: string;
}

interface Shape {
  name: string;
  plant: (context: Context) => void;
}

/** Raw JSON text per key; undefined leaves the key out. */
type Fields = Record<string, string | undefined>;

const json = (value: unknown) => JSON.stringify(value);

/** The JSON text of a record held by the live process on `src`, with some keys replaced. */
function recordText(c: Context, fields: Fields = {}): string {
  const all: Fields = {
    loop_name: json('holder'),
    scope: json([`${c.root}/src`]),
    pid: String(c.live),
    started_at: json(c.startedAt),
    ...fields,
  };
  const entries = Object.entries(all).filter(([, value]) => value !== undefined);
  return `{${entries.map(([key, value]) => `${json(key)}: ${value}`).join(', ')}}`;
}

const recordPath = (c: Context) => path.join(c.running, 'holder.lock');
const withFields =
  (fields: (c: Context) => Fields) =>
  (c: Context): void =>
    writeFileSync(recordPath(c), recordText(c, fields(c)));
const withContent =
  (content: (c: Context) => string | Buffer) =>
  (c: Context): void =>
    writeFileSync(recordPath(c), content(c));

/** The record's text with raw bytes in place of the first letter of the loop name. */
function withBytesInLoopName(c: Context, bytes: number[]): Buffer {
  const text = recordText(c);
  const at = text.indexOf('"holder"') + 1;
  return Buffer.concat([
    Buffer.from(text.slice(0, at)),
    Buffer.from(bytes),
    Buffer.from(text.slice(at + 1)),
  ]);
}

/** One value per line: [key, what the value is, its JSON text]. */
const fieldValues: [string, string, (c: Context) => string | undefined][] = [
  ['loop_name', 'missing', () => undefined],
  ['loop_name', 'a number', () => '5'],
  ['loop_name', 'a float', () => '5.0'],
  ['loop_name', 'null', () => 'null'],
  ['loop_name', 'true', () => 'true'],
  ['loop_name', 'an empty string', () => '""'],
  ['loop_name', 'an object', () => '{"a": 1}'],
  ['loop_name', 'a lone surrogate escape', () => '"\\ud800holder"'],
  ['scope', 'missing', () => undefined],
  ['scope', 'a bare string', (c) => json(`${c.root}/src`)],
  ['scope', 'an empty list', () => '[]'],
  ['scope', 'a relative entry', () => json(['src'])],
  ['scope', 'an entry with // and ..', (c) => json([`${c.root}//docs/../src/`])],
  ['scope', 'an empty-string entry', () => json([''])],
  ['scope', 'a number among the entries', (c) => json([`${c.root}/src`, 5])],
  ['scope', 'a null entry', () => '[null]'],
  ['scope', 'a nested list entry', () => '[["src"]]'],
  ['scope', 'an object entry', (c) => json([{ path: `${c.root}/src` }])],
  ['scope', 'a number', () => '5'],
  ['scope', 'null', () => 'null'],
  ['scope', 'true', () => 'true'],
  ['scope', 'an object', (c) => json({ path: `${c.root}/src` })],
  ['scope', 'an entry with a NUL', (c) => json([`${c.root}/s\u0000rc`])],
  ['pid', 'missing', () => undefined],
  ['pid', 'the live pid as a string', (c) => json(String(c.live))],
  ['pid', 'the live pid as a padded string', (c) => json(` ${c.live}\n`)],
  ['pid', 'the live pid as a signed string', (c) => json(`+${c.live}`)],
  ['pid', 'the live pid as "N.0"', (c) => json(`${c.live}.0`)],
  ['pid', 'a string with an underscore', () => json('1_0')],
  ['pid', 'a word', () => json('abc')],
  ['pid', 'an empty string', () => '""'],
  ['pid', 'the live pid plus a fraction', (c) => `${c.live}.7`],
  ['pid', 'the live pid in exponent notation', (c) => `${c.live}e0`],
  ['pid', 'true', () => 'true'],
  ['pid', 'false', () => 'false'],
  ['pid', '0', () => '0'],
  ['pid', '-1', () => '-1'],
  ['pid', 'minus a dead pid', (c) => `-${c.dead}`],
  ['pid', '2^31', () => '2147483648'],
  ['pid', '2^31 - 1', () => '2147483647'],
  ['pid', '-2^31 - 1', () => '-2147483649'],
  ['pid', 'just above the safe integers', () => '9007199254740993'],
  ['pid', '1e400', () => '1e400'],
  ['pid', 'null', () => 'null'],
  ['pid', 'a list', (c) => json([c.live])],
  ['pid', 'an object', (c) => json({ pid: c.live })],
  ['pid', 'a dead pid', (c) => String(c.dead)],
  ['pid', 'a dead pid as a string', (c) => json(String(c.dead))],
  ['pid', 'NaN', () => 'NaN'],
  ['started_at', 'missing', () => undefined],
  ['started_at', 'a number', () => '5'],
  ['started_at', 'null', () => 'null'],
  ['started_at', 'a word', () => json('garbage')],
  ['started_at', '"5"', () => json('5')],
  ['started_at', '"1"', () => json('1')],
  ['started_at', 'an empty string', () => '""'],
  ['started_at', 'a list', () => '[]'],
  ['singleton', '"yes"', () => json('yes')],
  ['singleton', '"no"', () => json('no')],
  ['singleton', '"false"', () => json('false')],
  ['singleton', 'an empty string', () => '""'],
  ['singleton', '1', () => '1'],
  ['singleton', '0', () => '0'],
  ['singleton', '0.0', () => '0.0'],
  ['singleton', '-0.0', () => '-0.0'],
  ['singleton', 'an empty list', () => '[]'],
  ['singleton', '[0]', () => '[0]'],
  ['singleton', 'an empty object', () => '{}'],
  ['singleton', '{"a": 0}', () => '{"a": 0}'],
  ['singleton', 'null', () => 'null'],
  ['singleton', 'true', () => 'true'],
  ['singleton', 'false', () => 'false'],
  ['singleton', 'NaN', () => 'NaN'],
  ['extra', 'NaN', () => 'NaN'],
  ['extra', 'Infinity', () => 'Infinity'],
  ['extra', '-Infinity', () => '-Infinity'],
  ['extra', 'an integer of 5,000 digits', () => '9'.repeat(5000)],
  ['extra', 'a list nested 100,000 deep', () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['extra', 'a list nested 50 deep', () => `${'['.repeat(50)}${']'.repeat(50)}`],
  ['host', 'another host', () => json('elsewhere.invalid')],
  ['pid_ns', 'another pid namespace', () => json('1')],
];

const generated: Shape[] = fieldValues.map(([key, what, value]) => ({
  name: `${key}: ${what}`,
  plant: withFields((c) => ({ [key]: value(c) })),
}));

const textShapes: Shape[] = [
  { name: 'an empty file', plant: withContent(() => '') },
  { name: 'whitespace only', plant: withContent(() => ' \n\t') },
  { name: 'a truncated record', plant: withContent((c) => recordText(c).slice(0, 40)) },
  { name: 'a record, then garbage', plant: withContent((c) => `${recordText(c)} x`) },
  { name: 'two records in one file', plant: withContent((c) => recordText(c).repeat(2)) },
  { name: 'an empty JSON list', plant: withContent(() => '[]') },
  { name: 'a list holding the record', plant: withContent((c) => `[${recordText(c)}]`) },
  { name: 'a JSON string', plant: withContent(() => '"holder"') },
  { name: 'a JSON number', plant: withContent(() => '42') },
  { name: 'JSON null', plant: withContent(() => 'null') },
  { name: 'JSON true', plant: withContent(() => 'true') },
  { name: 'a UTF-8 BOM before the record', plant: withContent((c) => `\ufeff${recordText(c)}`) },
  {
    name: 'the record pretty-printed with CRLF line ends',
    plant: withContent((c) =>
      JSON.stringify(JSON.parse(recordText(c)), null, 2).replace(/\n/g, '\r\n'),
    ),
  },
  {
    name: 'a Latin-1 byte in the loop name',
    plant: withContent((c) => withBytesInLoopName(c, [0xe9])),
  },
  {
    name: 'a UTF-8-encoded surrogate in the loop name',
    plant: withContent((c) => withBytesInLoopName(c, [0xed, 0xa0, 0x80])),
  },
  {
    name: 'an overlong UTF-8 sequence in the loop name',
    plant: withContent((c) => withBytesInLoopName(c, [0xc0, 0xaf])),
  },
  {
    name: 'pid given twice, the last one live',
    plant: withContent(
      (c) => `${recordText(c, { pid: String(c.dead) }).slice(0, -1)}, "pid": ${c.live}}`,
    ),
  },
  {
    name: 'pid given twice, the last one dead',
    plant: withContent((c) => `${recordText(c).slice(0, -1)}, "pid": ${c.dead}}`),
  },
  {
    name: 'a dead pid from another pid namespace',
    plant: withFields((c) => ({ pid: String(c.dead), pid_ns: json('1') })),
  },
  {
    name: 'a record over 1 MiB',
    plant: withFields(() => ({ padding: json('x'.repeat(1_100_000)) })),
  },
  {
    name: 'a record over 1 MiB of a dead holder',
    plant: withFields((c) => ({ pid: String(c.dead), padding: json('x'.repeat(1_100_000)) })),
  },
  {
    name: 'a record of 11,000 scope entries',
    plant: withFields((c) => ({
      scope: json(
        Array.from({ length: 11_000 }, (_, n) => `${c.root}/src/a/${'m'.repeat(60)}-${n}`),
      ),
    })),
  },
];

const fileShapes: Shape[] = [
  { name: 'a directory named holder.lock', plant: (c) => mkdirSync(recordPath(c)) },
  {
    name: 'a symlink to a record elsewhere',
    plant: (c) => {
      writeFileSync(path.join(c.root, 'elsewhere.json'), recordText(c));
      symlinkSync(path.join(c.root, 'elsewhere.json'), recordPath(c));
    },
  },
  {
    name: 'a dangling symlink',
    plant: (c) => symlinkSync(path.join(c.root, 'missing.json'), recordPath(c)),
  },
  {
    name: 'a symlink to a directory',
    plant: (c) => symlinkSync(path.join(c.root, 'src'), recordPath(c)),
  },
  {
    name: 'a file name that is not UTF-8, holding a record',
    plant: (c) =>
      writeFileSync(
        Buffer.concat([Buffer.from(`${c.running}/h`), Buffer.from([0xff]), Buffer.from('.lock')]),
        recordText(c),
      ),
  },
  {
    name: 'a file name that is not UTF-8, empty',
    plant: (c) =>
      writeFileSync(
        Buffer.concat([Buffer.from(`${c.running}/h`), Buffer.from([0xff]), Buffer.from('.lock')]),
        '',
      ),
  },
  {
    name: 'a hidden file name',
    plant: (c) => writeFileSync(path.join(c.running, '.holder.lock'), recordText(c)),
  },
  {
    name: 'the sentinel holding a record',
    plant: (c) => writeFileSync(path.join(c.running, '.acquire.lock'), recordText(c)),
  },
  {
    name: 'a scope entry through a symlink',
    plant: (c) => {
      symlinkSync(path.join(c.root, 'src'), path.join(c.root, 'link'));
      writeFileSync(recordPath(c), recordText(c, { scope: json([`${c.root}/link`]) }));
    },
  },
];

const shapes = [...generated, ...textShapes, ...fileShapes];

const requests = [
  { label: 'an overlapping scope', loopName: 'caller', scope: 'src/a', singleton: false },
  { label: 'a disjoint scope', loopName: 'caller', scope: 'docs', singleton: false },
  { label: 'a singleton of the same name', loopName: 'holder', scope: 'docs', singleton: true },
];

const implementations = [...pythonVersions.map((version) => version.label), 'scopeguard'];

// Shapes where scopeguard finds a live lock that Python reaps: a pid below 0 names a process
// group, which Python asks kill() about, and a pid from another pid namespace names another
// process here (or none); scopeguard judges neither by pid.
const stricterByDesign = new Set([
  'pid: minus a dead pid',
  'a dead pid from another pid namespace',
]);

describe.skipIf(!pythonAvailable)('records the Python original refuses on, side by side', () => {
  let base: string;
  let live: ChildProcess;
  /** Outcome per Python version, keyed by project folder. */
  const pythonOutcomes = new Map<string, string>();
  const rootOf = (shape: number, request: number, implementation: string) =>
    path.join(base, `${shape}-${request}-${implementations.indexOf(implementation)}`);

  beforeAll(() => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'scopeguard-shapes-')));
    live = spawn('sleep', ['600'], { stdio: 'ignore' });
    const dead = spawnSync('true').pid;
    const context = { live: live.pid!, dead, startedAt: pythonIsoTimestamp(new Date()) };
    shapes.forEach((shape, s) =>
      requests.forEach((_, r) => {
        for (const implementation of implementations) {
          const root = rootOf(s, r, implementation);
          const running = path.join(root, '.loops', '.running');
          for (const dir of ['src', 'docs', running])
            mkdirSync(path.resolve(root, dir), { recursive: true });
          shape.plant({ ...context, root, running });
        }
      }),
    );
    for (const version of pythonVersions) {
      const cases = shapes.flatMap((_, s) =>
        requests.map((request, r) => ({
          root: rootOf(s, r, version.label),
          loopName: request.loopName,
          scope: [path.join(rootOf(s, r, version.label), request.scope)],
          singleton: request.singleton,
        })),
      );
      const script = path.join(repoRoot, 'test', 'interop', 'workers', 'acquire_cases.py');
      const outcomes = JSON.parse(
        pythonScript(script, version.path, { input: JSON.stringify(cases), cwd: base }),
      ) as string[];
      cases.forEach((entry, n) => pythonOutcomes.set(entry.root, outcomes[n]!));
    }
  }, 120_000);

  afterAll(() => {
    live?.kill('SIGKILL');
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it.each(shapes.map((shape, index) => ({ shape, index, name: shape.name })))(
    '$name',
    async ({ shape, index }) => {
      for (const [r, request] of requests.entries()) {
        const root = rootOf(index, r, 'scopeguard');
        const python = pythonVersions.map(
          (version) => `${version.label}: ${pythonOutcomes.get(rootOf(index, r, version.label))}`,
        );
        const pythonRefuses = python.some((outcome) => !outcome.endsWith('acquired'));
        const manager = new LockManager({ loopsDir: path.join(root, '.loops'), projectRoot: root });
        let ours: string;
        try {
          const result = await manager.acquire(request.loopName, [request.scope], {
            singleton: request.singleton,
          });
          ours = result.acquired ? 'acquired' : 'conflict';
        } catch (error) {
          if (!(error instanceof LockRecordError)) throw error;
          expect(error.message).toContain(path.join(root, '.loops', '.running'));
          ours = 'refused: a record it cannot judge';
        }
        const what = `${request.label} (Python: ${python.join(', ')}; scopeguard: ${ours})`;
        if (pythonRefuses) expect(ours, what).not.toBe('acquired');
        if (!pythonRefuses && ours !== 'acquired' && !stricterByDesign.has(shape.name)) {
          expect(ours, what).toMatch(/^refused/);
        }
      }
    },
  );
});
