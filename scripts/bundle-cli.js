// Bundles the CLI (every command, the pre-commit hook and the agent hook) into dist/cli.js, one
// file for node to load instead of dozens of modules; run after tsc, which still builds the library
// (dist/index.js and its types) and the type checks. Packages stay outside the bundle, loaded from
// node_modules when a code path asks for them. The shared store's modules (src/store/pg-*.ts) stay
// outside too, loaded from tsc's copy on demand: an import of them or of `pg` anywhere in the
// bundle would run on every call, and pg must never load on the directory-store path.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const src = path.join(root, 'src');
const outfile = path.join(root, 'dist', 'cli.js');

const isPgModule = (file) => file.startsWith(src + path.sep) && /^pg-/.test(path.basename(file));

/** Keeps the shared store's modules out of the bundle, pointing at their compiled copy in dist/. */
const pgOutside = {
  name: 'pg-outside',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const file = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      if (!isPgModule(file)) return undefined;
      const compiled = path.relative(src, file).replace(/\.ts$/, '.js').split(path.sep).join('/');
      return { path: `./${compiled}`, external: true };
    });
  },
};

const result = await esbuild.build({
  entryPoints: [path.join(src, 'cli', 'cli-entry.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  packages: 'external',
  plugins: [pgOutside],
  metafile: true,
  logLevel: 'warning',
});

// The rule, checked on the output: pg and the shared store load only through a dynamic import.
const { imports } = result.metafile.outputs[path.relative(process.cwd(), outfile)];
const eager = imports.filter(
  (entry) => entry.kind === 'import-statement' && /^pg$|^pg\/|\/pg-[^/]*$/.test(entry.path),
);
if (eager.length > 0) {
  console.error(`bundle-cli: ${outfile} imports ${eager[0].path} at start-up; load it on demand`);
  process.exit(1);
}
