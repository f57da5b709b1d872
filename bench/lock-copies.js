// Many lock records in a benchmark project without one `locks acquire` process per lock, each
// reading all the records before it.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './timing.js';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const scopeguardBin = path.join(repoRoot, 'bin', 'scopeguard.js');

/**
 * Acquire `count` locks in the repository `dir` through the CLI, as loops do, all held by
 * `holderPid`: loop `l<n>` holds `src/locked<n>`.
 */
export function acquireLocks(dir, env, holderPid, count) {
  for (let n = 1; n <= count; n++) {
    const lock = ['--name', `l${n}`, '--scope', `src/locked${n}`, '--pid', String(holderPid)];
    run(process.execPath, [scopeguardBin, 'locks', 'acquire', ...lock], { cwd: dir, env });
  }
}

/**
 * Write one record per `{ name, scope }` (absolute scope entries) into the lock directory of the
 * repository `dir`, all held by `holderPid`: byte for byte what `locks acquire` writes, copied
 * from a record it wrote and then released.
 */
export function writeLockCopies(dir, env, holderPid, locks) {
  const running = path.join(dir, '.loops', '.running');
  const acquire = ['locks', 'acquire', '--name', 'template', '--scope', 'template'];
  run(process.execPath, [scopeguardBin, ...acquire, '--pid', String(holderPid)], { cwd: dir, env });
  // Records are named after their instance id, the loop name plus a unique suffix.
  const [templateName] = readdirSync(running).filter((file) => file.startsWith('template-'));
  const templateFile = path.join(running, templateName);
  const template = readFileSync(templateFile, 'utf8');
  const { scope, instance } = JSON.parse(template);
  rmSync(templateFile);
  const before = readdirSync(running).length;
  for (const lock of locks) {
    const text = template
      .replace(JSON.stringify(scope), JSON.stringify(lock.scope))
      .replace(JSON.stringify(instance), JSON.stringify(lock.name))
      .replace('"template"', JSON.stringify(lock.name));
    writeFileSync(path.join(running, `${lock.name}.lock`), text);
  }
  if (readdirSync(running).length !== before + locks.length)
    throw new Error('lock copies collided');
}
