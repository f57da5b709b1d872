import path from 'node:path';
import { UsageError } from '../../errors.js';
import {
  guardCommand,
  guardedHooks,
  localBinLauncher,
  runsGuardCommand,
  type GuardedHook,
} from './guarded-hooks.js';
import {
  firstExisting,
  managerStatus,
  type HookContext,
  type HookManager,
} from './hook-manager.js';
import { YamlLines } from './yaml-lines.js';

/** The names lefthook reads its configuration from, in its order; init edits the YAML ones. */
const configNames = ['yml', 'yaml', 'json', 'jsonc', 'toml'].flatMap((ext) => [
  `lefthook.${ext}`,
  `.lefthook.${ext}`,
  `.config/lefthook.${ext}`,
]);

type LefthookConfig = Record<
  string,
  { commands?: Record<string, { run?: unknown }>; jobs?: { run?: unknown }[] } | undefined
>;

/**
 * lefthook: scopeguard is a command of each guarded hook in `lefthook.yml` (or one of its other
 * names), which lefthook's installed hook reads on every commit.
 */
export const lefthook: HookManager = {
  name: 'lefthook',
  configFile: (context) => firstExisting(context, configNames),
  runsHook: (context) => runsLefthook(context.installedHook ?? ''),

  async install(context) {
    const config = await editableConfig(context, this.configFile(context));
    const missing = guardedHooks.filter((hook) => !registers(config, hook));
    if (missing.length === 0) return [`${config.file} already runs scopeguard`];
    for (const hook of missing)
      config.append(
        [hook.name, 'commands'],
        `${hook.id}:\n  run: ${guardCommand(hook, localBinLauncher, 'lefthook')}\n`,
      );
    config.save();
    const actions = [`added scopeguard to ${config.file}`];
    if (!this.runsHook(context))
      actions.push('git does not run lefthook yet: run `npx lefthook install`');
    return actions;
  },

  async uninstall(context) {
    const file = this.configFile(context);
    const config = file === undefined || !isYaml(file) ? undefined : await YamlLines.read(file);
    if (config === undefined) return [];
    const ours = guardedHooks.filter(
      (hook) =>
        (config.data() as LefthookConfig | null)?.[hook.name]?.commands?.[hook.id] !== undefined,
    );
    if (ours.length === 0) return [];
    for (const hook of ours) config.remove([hook.name, 'commands', hook.id]);
    config.save();
    return [`removed scopeguard from ${config.file}`];
  },

  async diagnose(context) {
    const file =
      this.configFile(context) ?? path.join(context.repository.topLevel, configNames[0]!);
    const config = isYaml(file) ? await YamlLines.read(file) : undefined;
    return managerStatus(context, {
      manager: this.name,
      configFile: file,
      registered: (hook) => config !== undefined && registers(config, hook),
      runsManager: (_hook, installed) => runsLefthook(installed),
      installCommand: () => 'npx lefthook install',
    });
  },
};

/** Whether a hook file is lefthook's. */
function runsLefthook(installed: string): boolean {
  return /\blefthook\b/.test(installed);
}

function isYaml(file: string): boolean {
  return /\.ya?ml$/.test(file);
}

async function editableConfig(context: HookContext, file: string | undefined): Promise<YamlLines> {
  if (file === undefined)
    return await YamlLines.create(path.join(context.repository.topLevel, configNames[0]!));
  if (!isYaml(file)) {
    throw new UsageError(
      `${file}: scopeguard edits lefthook's YAML configuration only; add ${guardedHooks.map((hook) => `a \`${hook.name}\` command running \`${guardCommand(hook, localBinLauncher, 'lefthook')}\``).join(' and ')} by hand (README, "Hook managers")`,
      'config',
    );
  }
  return (await YamlLines.read(file))!;
}

/** Whether a command or job of `hook` runs scopeguard's command. */
function registers(config: YamlLines, hook: GuardedHook): boolean {
  const entry = (config.data() as LefthookConfig | null)?.[hook.name];
  const runs = [
    ...Object.values(entry?.commands ?? {}),
    ...(Array.isArray(entry?.jobs) ? entry.jobs : []),
  ].map((command) => command?.run);
  return runs.some((run) => runsGuardCommand(run, hook));
}
