import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/cli.js';

type Json = Record<string, unknown>;

/** The keys of a GitHub workflow that this project relies on, checked for shape. */
function checkWorkflow(workflow: Json, name: string): string[] {
  const problems: string[] = [];
  const fail = (what: string) => problems.push(`${name}: ${what}`);
  if (typeof workflow.name !== 'string') fail('no name');
  if (workflow.on === undefined) fail('no "on" trigger');
  const jobs = workflow.jobs as Record<string, Json> | undefined;
  if (!jobs || Object.keys(jobs).length === 0) fail('no jobs');
  for (const [id, job] of Object.entries(jobs ?? {})) {
    if (!/^[A-Za-z_][\w-]*$/.test(id)) fail(`job id ${id} is not valid`);
    if (typeof job['runs-on'] !== 'string') fail(`job ${id} has no runs-on`);
    checkSteps(job.steps, `${name} job ${id}`, false).forEach((p) => problems.push(p));
  }
  return problems;
}

function checkSteps(steps: unknown, where: string, composite: boolean): string[] {
  if (!Array.isArray(steps) || steps.length === 0) return [`${where}: no steps`];
  return (steps as Json[]).flatMap((step, index) => {
    const problems: string[] = [];
    const at = `${where} step ${index + 1}`;
    const hasUses = typeof step.uses === 'string';
    const hasRun = typeof step.run === 'string';
    if (hasUses === hasRun) problems.push(`${at}: needs exactly one of uses or run`);
    if (hasUses && !/^(\.\/|[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[\w.-]+$)/.test(step.uses as string)) {
      problems.push(`${at}: uses ${String(step.uses)} is not owner/repo@ref or a local path`);
    }
    if (composite && hasRun && typeof step.shell !== 'string')
      problems.push(`${at}: composite run steps need a shell`);
    const allowed = new Set([
      'id',
      'name',
      'uses',
      'run',
      'with',
      'env',
      'if',
      'shell',
      'working-directory',
      'continue-on-error',
      'timeout-minutes',
    ]);
    for (const key of Object.keys(step))
      if (!allowed.has(key)) problems.push(`${at}: unknown key ${key}`);
    return problems;
  });
}

const workflowDir = path.join(repoRoot, '.github', 'workflows');

describe('GitHub workflow files', () => {
  it.each(readdirSync(workflowDir).filter((file) => /\.ya?ml$/.test(file)))(
    '%s parses and has the expected shape',
    (file) => {
      const workflow = parse(readFileSync(path.join(workflowDir, file), 'utf8')) as Json;
      expect(checkWorkflow(workflow, file)).toEqual([]);
    },
  );

  it('the project CI tests on ubuntu and macos with Node 20 and 22, and runs scopeguard ci on pull requests', () => {
    const workflow = parse(readFileSync(path.join(workflowDir, 'ci.yml'), 'utf8')) as Json;
    const jobs = workflow.jobs as Record<string, Json>;
    expect((jobs.test!.strategy as Json).matrix).toMatchObject({
      os: ['ubuntu-latest', 'macos-latest'],
      node: [20, 22],
    });
    expect(jobs.bench!['continue-on-error']).toBe(true);
    const guard = jobs.scopeguard!;
    expect(guard.if).toContain('pull_request');
    const steps = guard.steps as Json[];
    expect(steps[0]).toMatchObject({
      uses: expect.stringMatching(/^actions\/checkout@/),
      with: { 'fetch-depth': 0 },
    });
    expect(steps.some((step) => /scopeguard(\.js)? ci\b/.test(String(step.run)))).toBe(true);
  });

  it('the project CI requires the interop tests, against little-loops at both pinned commits', () => {
    const workflow = parse(readFileSync(path.join(workflowDir, 'ci.yml'), 'utf8')) as Json;
    const job = (workflow.jobs as Record<string, Json>).test!;
    const matrix = (job.strategy as Json).matrix as Json;
    // actions/checkout takes a commit only as a full sha
    expect(matrix['little-loops']).toEqual([expect.stringMatching(/^60d1660d9[0-9a-f]{31}$/)]);
    expect(matrix.include).toEqual([
      {
        os: 'ubuntu-latest',
        node: 20,
        'little-loops': expect.stringMatching(/^a12b9397d[0-9a-f]{31}$/),
      },
    ]);
    const env = job.env as Json;
    expect(env.SCOPEGUARD_REQUIRE_INTEROP).toBe('1');
    expect(env.SCOPEGUARD_PYTHON_SEED).toMatch(/^\$\{\{ github\.workspace \}\}\/[\w.-]+$/);

    const steps = job.steps as Json[];
    // the project itself is checked out first, into the folder its commands run in
    const workingDirectory = ((job.defaults as Json).run as Json)['working-directory'];
    expect(steps[0]).toEqual({
      uses: expect.stringMatching(/^actions\/checkout@/),
      with: { path: workingDirectory },
    });
    const littleLoops = steps.findIndex(
      (step) => (step.with as Json | undefined)?.repository === 'BrennonTWilliams/little-loops',
    );
    expect(steps[littleLoops]!.with).toMatchObject({ ref: '${{ matrix.little-loops }}' });
    const checkoutPath = (steps[littleLoops]!.with as Json).path as string;
    // the module alone goes into the seed directory: its folder would shadow Python's `types`
    const copy = steps.findIndex((step) =>
      String(step.run).includes(`${checkoutPath}/scripts/little_loops/fsm/concurrency.py`),
    );
    expect(copy).toBeGreaterThan(littleLoops);
    expect(String(steps[copy]!.run)).toContain('"$SCOPEGUARD_PYTHON_SEED/"');
    const vitest = steps.findIndex((step) => step.run === 'npx vitest run');
    expect(vitest).toBeGreaterThan(copy);
  });

  it('the composite action declares its inputs, output and composite steps', () => {
    const action = parse(
      readFileSync(path.join(repoRoot, '.github', 'actions', 'scopeguard', 'action.yml'), 'utf8'),
    ) as Json;
    expect(typeof action.name).toBe('string');
    expect(typeof action.description).toBe('string');
    expect(Object.keys(action.inputs as Json).sort()).toEqual([
      'args',
      'version',
      'working-directory',
    ]);
    expect((action.outputs as Json).conflicts).toMatchObject({
      value: '${{ steps.check.outputs.conflicts }}',
    });
    const runs = action.runs as Json;
    expect(runs.using).toBe('composite');
    expect(checkSteps(runs.steps, 'action', true)).toEqual([]);
    expect(String((runs.steps as Json[])[0]!.run)).toContain('ci $SCOPEGUARD_ARGS');
  });

  it('every workflow in the README parses, and the guard example checks out full history and runs npx scopeguard ci', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
      (match) => parse(match[1]!) as Json,
    );
    const workflows = blocks.filter((block) => block.jobs !== undefined);
    expect(workflows.length).toBeGreaterThan(0);
    workflows.forEach((workflow, index) =>
      expect(checkWorkflow(workflow, `README workflow ${index + 1}`)).toEqual([]),
    );
    const steps = Object.values(workflows[0]!.jobs as Record<string, Json>).flatMap(
      (job) => job.steps as Json[],
    );
    expect(steps[0]).toMatchObject({
      uses: expect.stringMatching(/^actions\/checkout@/),
      with: { 'fetch-depth': 0 },
    });
    expect(steps.some((step) => String(step.uses).startsWith('actions/setup-node@'))).toBe(true);
    expect(steps.some((step) => step.run === 'npx scopeguard ci')).toBe(true);
  });

  it('the checker catches a broken workflow', () => {
    const broken = {
      name: 'x',
      on: 'push',
      jobs: { 'bad id!': { steps: [{ uses: 'actions/checkout', run: 'x', colour: 1 }] } },
    };
    expect(checkWorkflow(broken, 'broken')).toEqual([
      'broken: job id bad id! is not valid',
      'broken: job bad id! has no runs-on',
      'broken job bad id! step 1: needs exactly one of uses or run',
      'broken job bad id! step 1: uses actions/checkout is not owner/repo@ref or a local path',
      'broken job bad id! step 1: unknown key colour',
    ]);
  });
});
