// Bundles the CLI (every command, the pre-commit hook and the agent hook) into dist/cli.js, one
// file for node to load instead of dozens of modules, and the hook commands alone into
// dist/hook.cjs, the file bin/scopeguard.js loads for them (see src/cli/hook-entry.ts); run after
// tsc, which still builds the library (dist/index.js and its types) and the type checks. Packages
// stay outside the bundle, loaded from node_modules when a code path asks for them. What the CLI
// imports dynamically (the shared store's modules, which load pg) becomes chunks of the same build
// in dist/chunks/, sharing one copy of every module with the entry: a second copy (tsc's) would
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
const { hookBundle, hookScanBundle, firstStageBundle } = createRequire(import.meta.url)(
  '../bin/scopeguard.js',
);

/**
 * `createRequire` in the hook bundle: the bundle's own `require`. Every caller passes
 * import.meta.url, which in the bundle is the bundle's URL, so this is the function it asks for.
 */
const bundleRequire = {
  name: 'bundle-require',
  setup(build) {
    build.onResolve({ filter: /^node:module$/ }, () => ({ path: 'module', namespace: 'bundle' }));
    build.onLoad({ filter: /.*/, namespace: 'bundle' }, () => ({
      contents: 'export const createRequire = () => require;',
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

// The hook commands, everything they may load but packages, in one CommonJS file: node reads and
// compiles it in one synchronous step. What they import dynamically (the shared store) is in the
// file too, evaluated only when a run asks for it, and so are packages' dynamic imports, as
// `require` calls: a script compiled from a code cache cannot import. import.meta.url, which finds
// packages, the package root and dist/cli.js, becomes this file's URL, so every
// `createRequire(import.meta.url)` is the bundle's own `require`, and the `node:module` builtin
// (which loads node's ES module loader) is not loaded for it. The bundle ends with its build id,
// which the code cache names (bin/scopeguard.js).
const hookFile = hookBundle.file;
rmSync(hookBundle.cache, { force: true });
rmSync(hookScanBundle.cache, { force: true });
rmSync(firstStageBundle.cache, { force: true });
const hook = await esbuild.build({
  entryPoints: [path.join(src, 'cli', 'hook-entry.ts')],
  outfile: hookFile,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.19',
  supported: { 'dynamic-import': false },
  packages: 'external',
  plugins: [bundleRequire],
  metafile: true,
  // "use strict" first: the sources are modules, strict throughout, and a directive counts only
  // at the very top, where the banner would otherwise push esbuild's own.
  banner: {
    js: "'use strict';\nconst importMetaUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  define: { 'import.meta.url': 'importMetaUrl' },
  logLevel: 'warning',
});
for (const entry of Object.values(hook.metafile.outputs).flatMap((output) => output.imports)) {
  if (entry.kind === 'dynamic-import') {
    console.error(`bundle-cli: dist/hook.cjs imports ${entry.path} at run time; require it`);
    process.exit(1);
  }
}
const hookBuildId = writeWithBuildId(hookFile, hook.outputFiles[0].text);

// The hooks' first stage (src/cli/first-stage.ts), which bin/scopeguard.js runs before it loads
// the hook bundle: only the modules that locate the guard, in a file small enough to compile
// without a cache. It loads built-in modules only, and none through import.meta.url (which CommonJS
// has not): a module that finds packages that way is bundled for the rest of what it holds, and
// esbuild warns of the import.meta.url it leaves out, so the output itself is checked instead.
const firstStageFile = firstStageBundle.file;
const firstStage = await esbuild.build({
  entryPoints: [path.join(src, 'cli', 'first-stage.ts')],
  outfile: firstStageFile,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.19',
  packages: 'external',
  metafile: true,
  banner: { js: "'use strict';" },
  logOverride: { 'empty-import-meta': 'silent' },
  logLevel: 'warning',
});
const [firstStageOutput] = firstStage.outputFiles;
const firstStageImports = Object.values(firstStage.metafile.outputs).flatMap((o) => o.imports);
for (const entry of firstStageImports) {
  if (!entry.path.startsWith('node:') || entry.path === 'node:module') {
    console.error(`bundle-cli: dist/first-stage.cjs loads ${entry.path}; keep it to built-ins`);
    process.exit(1);
  }
}
if (firstStageOutput.text.includes('import_meta')) {
  console.error('bundle-cli: dist/first-stage.cjs uses import.meta, which it has not');
  process.exit(1);
}
const firstStageBuildId = writeWithBuildId(firstStageFile, firstStageOutput.text);

// The code caches of both bundles, written by the bundles' own loader after the runs they speed
// up, so the functions those runs compile are in them.
execFileSync(
  process.execPath,
  [path.join(root, 'scripts', 'hook-code-cache.js'), hookBuildId, firstStageBuildId],
  { stdio: 'inherit' },
);

/** Write a bundle ending with its build id, which its code cache names (bin/scopeguard.js). */
function writeWithBuildId(file, text) {
  const buildId = createHash('sha256').update(text).digest('hex').slice(0, 32);
  writeFileSync(file, `${text}// build ${buildId}\n`);
  return buildId;
}
