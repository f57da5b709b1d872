// Preloaded with --import into scopeguard processes: on exit, appends "pg" or "no-pg" to the file
// named by SCOPEGUARD_TEST_PG_LOG, telling whether the PostgreSQL driver was loaded.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
process.on('exit', () => {
  const loaded = Object.keys(require.cache).some((file) => file.includes('/node_modules/pg/'));
  appendFileSync(process.env.SCOPEGUARD_TEST_PG_LOG, loaded ? 'pg\n' : 'no-pg\n');
});
