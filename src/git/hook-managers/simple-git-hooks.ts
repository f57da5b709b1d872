import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { guardCommand, guardedHooks, localBinLauncher, runsGuardCommand } from './guarded-hooks.js';
import {
  firstExisting,
  managerStatus,
  type HookContext,
  type HookManager,
} from './hook-manager.js';

/** The files simple-git-hooks reads before package.json's `simple-git-hooks` key, in its order. */
const configNames = [
  ...['cjs', 'js', 'mjs'].flatMap((ext) => [`.simple-git-hooks.${ext}`, `simple-git-hooks.${ext}`]),
  '.simple-git-hooks.json',
  'simple-git-hooks.json',
];
const packageKey = 'simple-git-hooks';
const reinstall = 'npx simple-git-hooks';
/** The variable every hook file simple-git-hooks writes checks first. */
const skipVariable = 'SKIP_SIMPLE_GIT_HOOKS';

/** A JSON configuration: the file, its text, and where in it the hooks object is. */
interface JsonConfig {
  file: string;
  text: string;
  at: string[];
  hooks: Record<string, unknown>;
}

/**
 * simple-git-hooks: scopeguard goes first in the command of each guarded hook, in package.json's
 * `simple-git-hooks` key or the JSON file that configures it. simple-git-hooks copies the commands
 * into `.git/hooks` when `npx simple-git-hooks` runs, so a changed configuration needs that again.
 */
export const simpleGitHooks: HookManager = {
  name: 'simple-git-hooks',
  configFile: (context) =>
    firstExisting(context, configNames) ??
    (hasPackageHooks(context) ? packageFile(context) : undefined),
  runsHook: (context) => context.installedHook?.includes(skipVariable) ?? false,

  async install(context) {
    const config = await readConfig(this.configFile(context) ?? packageFile(context));
    const missing = guardedHooks.filter((hook) => !runsGuardCommand(config.hooks[hook.name], hook));
    if (missing.length === 0) return [`${config.file} already runs scopeguard`];
    const { modify, applyEdits } = await import('jsonc-parser');
    let text = config.text;
    for (const hook of missing) {
      const existing = config.hooks[hook.name];
      const command = guardCommand(hook, localBinLauncher, 'shell');
      const value =
        typeof existing === 'string' && existing.trim() !== ''
          ? `${command} && ${existing}`
          : command;
      text = applyEdits(text, modify(text, [...config.at, hook.name], value, formatOf(text)));
    }
    writeFileSync(config.file, text);
    return [`added scopeguard to ${config.file}; run \`${reinstall}\` to install the hook`];
  },

  async uninstall(context) {
    const file = this.configFile(context);
    if (file === undefined || !file.endsWith('.json')) return [];
    const config = await readConfig(file);
    const { modify, applyEdits } = await import('jsonc-parser');
    let text = config.text;
    for (const hook of guardedHooks) {
      const existing = config.hooks[hook.name];
      const command = guardCommand(hook, localBinLauncher, 'shell');
      if (existing === command) {
        text = applyEdits(text, modify(text, [...config.at, hook.name], undefined, formatOf(text)));
      } else if (typeof existing === 'string' && existing.startsWith(`${command} && `)) {
        const rest = existing.slice(command.length + ' && '.length);
        text = applyEdits(text, modify(text, [...config.at, hook.name], rest, formatOf(text)));
      }
    }
    if (text === config.text) return [];
    writeFileSync(config.file, text);
    return [
      `removed scopeguard from ${config.file}; run \`${reinstall}\` to update the installed hook`,
    ];
  },

  async diagnose(context) {
    const file = this.configFile(context) ?? packageFile(context);
    const hooks = file.endsWith('.json') && existsSync(file) ? (await readConfig(file)).hooks : {};
    return managerStatus(context, {
      manager: this.name,
      configFile: file,
      registered: (hook) => runsGuardCommand(hooks[hook.name], hook),
      // simple-git-hooks copies the commands into the hook file, so it must hold scopeguard's.
      runsManager: (hook, installed) =>
        installed.includes(skipVariable) && runsGuardCommand(installed, hook),
      installCommand: () => reinstall,
    });
  },
};

function packageFile(context: HookContext): string {
  return path.join(context.repository.topLevel, 'package.json');
}

/** Whether package.json has a `simple-git-hooks` key. */
function hasPackageHooks(context: HookContext): boolean {
  const file = packageFile(context);
  if (!existsSync(file)) return false;
  try {
    const hooks = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)[packageKey];
    return hooks !== undefined;
  } catch {
    return false;
  }
}

async function readConfig(file: string): Promise<JsonConfig> {
  if (!file.endsWith('.json')) {
    throw new UsageError(
      `${file}: scopeguard edits simple-git-hooks' JSON configuration only; put ${guardedHooks.map((hook) => `\`${guardCommand(hook, localBinLauncher, 'shell')}\` first in its \`${hook.name}\` command`).join(' and ')} by hand, then run \`${reinstall}\` (README, "Hook managers")`,
      'config',
    );
  }
  if (!existsSync(file)) {
    throw new UsageError(
      `git runs simple-git-hooks' hook, but ${file} is missing: create it, then run \`scopeguard init\` again`,
      'config',
    );
  }
  const text = readFileSync(file, 'utf8');
  const { parse, printParseErrorCode } = await import('jsonc-parser');
  const errors: import('jsonc-parser').ParseError[] = [];
  const data = parse(text, errors, {
    allowTrailingComma: false,
    disallowComments: true,
  }) as unknown;
  if (errors.length > 0 || typeof data !== 'object' || data === null || Array.isArray(data)) {
    const reason = errors[0] ? printParseErrorCode(errors[0].error) : 'not a JSON object';
    throw new UsageError(
      `${file} is not valid JSON (${reason}): fix it, then run the command again`,
      'config',
    );
  }
  const isPackage = path.basename(file) === 'package.json';
  const hooks = isPackage ? (data as Record<string, unknown>)[packageKey] : data;
  if (
    hooks !== undefined &&
    (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks))
  ) {
    throw new UsageError(
      `${file}: "${packageKey}" is not an object of hook commands, so scopeguard cannot add its command there: add it by hand (README, "Hook managers")`,
      'config',
    );
  }
  return {
    file,
    text,
    at: isPackage ? [packageKey] : [],
    hooks: (hooks ?? {}) as Record<string, unknown>,
  };
}

/** Edits in the file's own style: its indentation and line ends. */
function formatOf(text: string): import('jsonc-parser').ModificationOptions {
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
  return {
    formattingOptions: {
      insertSpaces: !indent.startsWith('\t'),
      tabSize: indent.startsWith('\t') ? 1 : indent.length,
      eol: text.includes('\r\n') ? '\r\n' : '\n',
    },
  };
}
