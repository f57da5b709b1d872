// All benchmarks, one after the other:
//
//   npm run bench                     Markdown on stdout (progress goes to stderr)
//   npm run bench -- --json           the same numbers as JSON
//   npm run bench -- matching ...     only the named ones (lock-core, pre-commit, agent-hook, matching, check-scale, shared-store, relay)
import * as agentHook from './agent-hook.js';
import * as checkScale from './check-scale.js';
import * as lockCore from './lock-core.js';
import * as matching from './matching.js';
import * as preCommit from './pre-commit.js';
import * as relay from './relay.js';
import * as sharedStore from './shared-store.js';
import { benchEnv, describeMachine } from './timing.js';

const benches = {
  'lock-core': lockCore,
  'pre-commit': preCommit,
  'agent-hook': agentHook,
  matching,
  'check-scale': checkScale,
  'shared-store': sharedStore,
  relay,
};

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const names = args.filter((arg) => arg !== '--json');
const unknown = names.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`bench: unknown ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}

const machine = describeMachine();
const { removed } = benchEnv();
const results = { machine, removedVariables: removed };
if (!asJson) {
  console.log(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM; ` +
      `${machine.os}; Node ${machine.node}`,
  );
  console.log(
    `\nEvery process on both sides of each ratio runs in one environment: this one, without ` +
      `${removed.length > 0 ? removed.join(', ') : 'any variable to remove'}, and with no user ` +
      'or system git config.',
  );
}
for (const [name, bench] of Object.entries(benches)) {
  if (names.length > 0 && !names.includes(name)) continue;
  results[name] = await bench.runBench();
  if (!asJson) console.log(`\n## ${bench.title}\n\n${bench.toMarkdown(results[name])}`);
}
if (asJson) console.log(JSON.stringify(results, null, 2));
