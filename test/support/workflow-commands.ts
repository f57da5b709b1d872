/** A workflow command as the GitHub Actions runner would act on it. */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
}

/**
 * The workflow commands the GitHub Actions runner would process in a step's output, following
 * actions/runner's ActionCommand.TryParseV2 (a line whose start, after blanks, is `::name
 * props::data`) and its legacy TryParse (`##[name props]data` anywhere in a line), and honouring
 * `::stop-commands::TOKEN` ... `::TOKEN::`. Every command name counts as registered, so anything
 * that could be a command is reported. The stop and resume markers themselves are left out.
 */
export function runnerCommands(output: string): WorkflowCommand[] {
  const processed: WorkflowCommand[] = [];
  let stopToken: string | undefined;
  // the runner reads lines the .NET way: CR, LF and CRLF all end one
  for (const line of output.split(/\r\n|\r|\n/)) {
    const command = parseV2(line) ?? parseV1(line);
    if (!command) continue;
    if (stopToken !== undefined) {
      if (command.command.toLowerCase() === stopToken.toLowerCase()) stopToken = undefined;
      continue;
    }
    if (command.command.toLowerCase() === 'stop-commands') {
      stopToken = command.data;
      continue;
    }
    processed.push(command);
  }
  return processed;
}

function parseV2(line: string): WorkflowCommand | undefined {
  const message = line.trimStart();
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (command === '') return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter((part) => part !== '')) {
      const equals = pair.indexOf('=');
      if (equals > 0 && equals < pair.length - 1)
        properties[pair.slice(0, equals)] = unescapeProperty(pair.slice(equals + 1));
    }
  }
  return { command, properties, data: unescapeData(message.slice(end + 2)) };
}

function parseV1(line: string): WorkflowCommand | undefined {
  const start = line.indexOf('##[');
  if (start < 0) return undefined;
  const end = line.indexOf(']', start);
  if (end < 0) return undefined;
  const info = line.slice(start + 3, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (command === '') return undefined;
  return { command, properties: {}, data: line.slice(end + 1) };
}

// The runner's unescaping, in its order: `%25` last, so an escaped `%` never starts another escape.
function unescapeData(text: string): string {
  return text.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
}

function unescapeProperty(text: string): string {
  return text
    .replaceAll('%0D', '\r')
    .replaceAll('%0A', '\n')
    .replaceAll('%3A', ':')
    .replaceAll('%2C', ',')
    .replaceAll('%25', '%');
}

/** The `file` property of every error or warning annotation, sorted. */
export function annotatedFiles(output: string): string[] {
  return runnerCommands(output)
    .filter((command) => command.command === 'error' || command.command === 'warning')
    .map((command) => command.properties.file ?? '<no file>')
    .sort();
}
