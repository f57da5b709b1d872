// Bundles the CLI (every command, the pre-commit hook and the agent hook) into dist/cli.js, one
// file for node to load instead of dozens of modules, and the commands bin/scopeguard.js runs
// without it into small CommonJS bundles: the hook commands into dist/hook.cjs (see
// src/cli/hook-entry.ts), their first stages into dist/commit-first-stage.cjs (the commit hooks')
// and dist/agent-hook-first-stage.cjs (the agent hook's), and `locks acquire` and `locks release` into
// dist/lock.cjs (src/cli/lock-entry.ts); run after tsc, which still builds
// the library (dist/index.js and its types) and the type checks. Packages stay outside the
// bundles, loaded from node_modules when a code path asks for them. What the CLI imports
// dynamically (the shared store's modules, which load pg) becomes chunks of the same build in
// dist/chunks/, sharing one copy of every module with the entry: a second copy (tsc's) would
// bring its own error classes, which the CLI would no longer recognise. pg must never load on the
// directory-store path, so no static import may lead from dist/cli.js to it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const src = path.join(root, 'src');
const outfile = path.join(root, 'dist', 'cli.js');
const { hookBundle, hookScanBundle, commitFirstStageBundle, agentFirstStageBundle, lockBundle } =
  createRequire(import.meta.url)('../bin/scopeguard.js');

/**
 * In a small bundle, `packageRequire` (src/package-require.ts) is the bundle's own `require`,
 * which resolves from dist/ (bin/scopeguard.js), where the module's would: the bundle neither
 * loads the `node:module` builtin (which loads node's ES module loader) for it nor computes a URL
 * for itself.
 */
const bundleRequire = {
  name: 'bundle-require',
  setup(build) {
    build.onResolve({ filter: /[\\/]package-require\.js$/ }, () => ({
      path: 'package-require',
      namespace: 'bundle',
    }));
    build.onLoad({ filter: /.*/, namespace: 'bundle' }, () => ({
      contents: 'export const packageRequire = () => require;',
      loader: 'js',
    }));
  },
};

/**
 * In the small bundles, `import path from 'node:path'` (the project's one default import of a
 * built-in) as a plain `require`: esbuild would otherwise wrap the built-in in a copy with a getter
 * per export, at every import site, each time the bundle loads (17 copies in the hook bundle). A
 * named import from `node:path` then fails the build instead of reading the wrong thing.
 */
const plainPathDefault = {
  name: 'plain-path-default',
  setup(build) {
    build.onResolve({ filter: /^node:path$/ }, ({ kind }) =>
      kind === 'require-call'
        ? { path: 'node:path', external: true }
        : { path: 'node:path', namespace: 'plain-path-default' },
    );
    build.onLoad({ filter: /.*/, namespace: 'plain-path-default' }, () => ({
      contents: "export default require('node:path');",
      loader: 'js',
    }));
  },
};

const result = await esbuild.build({
  entryPoints: { cli: path.join(src, 'cli', 'cli-entry.ts') },
  outdir: path.dirname(outfile),
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  packages: 'external',
  metafile: true,
  logLevel: 'warning',
});

// The rule, checked on the output: nothing the entry loads at start-up (its static imports, and
// theirs) imports pg; the shared store arrives only through a dynamic import.
const outputs = result.metafile.outputs;
const seen = new Set();
const pending = [path.relative(process.cwd(), outfile)];
while (pending.length > 0) {
  const output = pending.pop();
  if (seen.has(output)) continue;
  seen.add(output);
  for (const entry of outputs[output]?.imports ?? []) {
    if (entry.kind !== 'import-statement') continue;
    if (/^pg$|^pg\//.test(entry.path)) {
      console.error(`bundle-cli: ${output} imports ${entry.path} at start-up; load it on demand`);
      process.exit(1);
    }
    if (!entry.external) pending.push(entry.path);
  }
}

// The small CommonJS bundles the bin loads before (or instead of) the whole CLI: node reads and
// compiles each in one synchronous step, from the V8 code cache the build writes beside it. The
// hook commands' (src/cli/hook-entry.ts) and the plain lock commands' (src/cli/lock-entry.ts) hold
// everything they may load but packages; what they import dynamically (the shared store) is in
// the file too, evaluated only when a run asks for it, and so are packages' dynamic imports, as
// `require` calls: a script compiled from a code cache cannot import. The hooks' first stages
// (src/cli/commit-first-stage.ts, src/cli/agent-hook-first-stage.ts), which the bin runs before
// it loads the hook bundle, hold only the modules that locate the guard (and, the agent hook's,
// that read an agent's payload), and load built-in modules only.
for (const { cache } of [
  hookBundle,
  hookScanBundle,
  commitFirstStageBundle,
  agentFirstStageBundle,
  lockBundle,
]) {
  rmSync(cache, { force: true });
}
const hookBuildId = await buildSmallBundle({
  entry: 'hook-entry.ts',
  file: hookBundle.file,
  packages: ['pg', 'proper-lockfile'],
  findsPackages: true,
});
const lockBuildId = await buildSmallBundle({
  entry: 'lock-entry.ts',
  file: lockBundle.file,
  packages: ['pg', 'proper-lockfile'],
  findsPackages: true,
});
const commitFirstStageBuildId = await buildSmallBundle({
  entry: 'commit-first-stage.ts',
  file: commitFirstStageBundle.file,
  packages: [],
  findsPackages: false,
});
const agentFirstStageBuildId = await buildSmallBundle({
  entry: 'agent-hook-first-stage.ts',
  file: agentFirstStageBundle.file,
  packages: [],
  findsPackages: false,
});

// The code caches of the small bundles, written by the bundles' own loader after the runs they
// speed up, so the functions those runs compile are in them.
execFileSync(
  process.execPath,
  [
    path.join(root, 'scripts', 'hook-code-cache.js'),
    hookBuildId,
    commitFirstStageBuildId,
    agentFirstStageBuildId,
    lockBuildId,
  ],
  { stdio: 'inherit' },
);

/**
 * Build one small bundle from `entry` (in src/cli/) into `file`, ending with its build id, which
 * its code cache names (bin/scopeguard.js); returns the build id. The build fails when the bundle
 * imports at run time, loads a package other than `packages` (each loaded only on demand) or
 * `node:module` (which loads node's ES module loader), or keeps `import.meta`, which CommonJS has
 * not. `findsPackages`: `packageRequire` is the bundle's own `require`; without it, a module that
 * finds packages is bundled for the rest of what it holds, and esbuild's warning of the
 * import.meta.url it leaves out is silenced: the output is checked instead.
 */
async function buildSmallBundle({ entry, file, packages, findsPackages }) {
  const name = path.relative(root, file);
  const result = await esbuild.build({
    entryPoints: [path.join(src, 'cli', entry)],
    outfile: file,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20.19',
    supported: { 'dynamic-import': false },
    packages: 'external',
    metafile: true,
    plugins: findsPackages ? [bundleRequire, plainPathDefault] : [plainPathDefault],
    logOverride: { 'empty-import-meta': 'silent' },
    logLevel: 'warning',
  });
  const fail = (message) => {
    console.error(`bundle-cli: ${name} ${message}`);
    process.exit(1);
  };
  for (const { path: id, kind } of Object.values(result.metafile.outputs).flatMap(
    (output) => output.imports,
  )) {
    if (kind === 'dynamic-import') fail(`imports ${id} at run time; require it`);
    if (id === 'node:module' || !(id.startsWith('node:') || packages.includes(id)))
      fail(`loads ${id}; keep it to ${['built-in modules', ...packages].join(', ')}`);
  }
  const [output] = result.outputFiles;
  if (/\bimport_meta\b|\bimport\.meta\b/.test(output.text))
    fail('uses import.meta, which it has not');
  return writeWithBuildId(file, output.text);
}

/** Write a bundle ending with its build id, which its code cache names (bin/scopeguard.js). */
function writeWithBuildId(file, text) {
  const buildId = createHash('sha256').update(text).digest('hex').slice(0, 32);
  writeFileSync(file, `${text}// build ${buildId}\n`);
  return buildId;
}
