// Opens stores with the settings given as JSON in argv[2] (built code) and prints which store it
// got and whether the PostgreSQL driver was loaded: the directory store must not load it.
// Usage: node open-store-probe.mjs SETTINGS_JSON
import { createRequire } from 'node:module';
import { openStore } from '../../../dist/store/open-store.js';

const loaded = () =>
  Object.keys(createRequire(import.meta.url).cache).some((file) =>
    file.includes('/node_modules/pg/'),
  );
let outcome;
try {
  const store = await openStore(JSON.parse(process.argv[2]));
  outcome = { store: store.constructor.name };
  await store.close();
} catch (error) {
  outcome = { error: error.message, exitCode: error.exitCode };
}
console.log(JSON.stringify({ ...outcome, pgLoaded: loaded() }));
