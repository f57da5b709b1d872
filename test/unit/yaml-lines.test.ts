import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { YamlLines } from '../../src/git/hook-managers/yaml-lines.js';
import { makeTempDir } from '../support/temp-dir.js';

async function edited(
  original: string,
  change: (lines: YamlLines) => void,
): Promise<{ file: string; text: string }> {
  const file = path.join(makeTempDir(), 'config.yaml');
  writeFileSync(file, original);
  const lines = (await YamlLines.read(file))!;
  change(lines);
  lines.save();
  return { file, text: readFileSync(file, 'utf8') };
}

const entry = '- repo: local\n  hooks:\n    - id: scopeguard\n';

describe('YAML edited by whole lines', () => {
  it.each([
    {
      layout: 'list items flush with their key, comments and quoting around',
      original:
        '# project hooks\nrepos:\n- repo: https://example.com/hooks\n  rev: "v1" # pinned\n  hooks:\n  - id: lint\n# the end\n',
      added:
        '# project hooks\nrepos:\n- repo: https://example.com/hooks\n  rev: "v1" # pinned\n  hooks:\n  - id: lint\n- repo: local\n  hooks:\n    - id: scopeguard\n# the end\n',
    },
    {
      layout: 'list items indented under their key',
      original: 'repos:\n    -   repo: https://example.com/hooks\n        hooks: [{ id: lint }]\n',
      added:
        'repos:\n    -   repo: https://example.com/hooks\n        hooks: [{ id: lint }]\n    - repo: local\n      hooks:\n        - id: scopeguard\n',
    },
    {
      layout: 'no list yet, after other keys, no final newline',
      original: 'default_stages: [pre-commit]',
      added:
        'default_stages: [pre-commit]\nrepos:\n  - repo: local\n    hooks:\n      - id: scopeguard',
    },
    {
      layout: 'a file of comments only',
      original: '# nothing yet\n',
      added: '# nothing yet\nrepos:\n  - repo: local\n    hooks:\n      - id: scopeguard\n',
    },
  ])(
    'adds a list item ($layout) and removing it gives the file back byte for byte',
    async ({ original, added }) => {
      const { file, text } = await edited(original, (lines) => lines.append(['repos'], entry));
      expect(text).toBe(added);
      const lines = (await YamlLines.read(file))!;
      const repos = (lines.data() as { repos: { repo: string }[] }).repos;
      lines.remove(['repos', repos.findIndex((repo) => repo.repo === 'local')]);
      lines.save();
      expect(readFileSync(file, 'utf8')).toBe(original);
    },
  );

  it('adds a map entry under nested keys, creating the missing ones, and takes them out again', async () => {
    const original = 'pre-commit:\n  parallel: true # fast\n  jobs:\n    - run: lint\n';
    const command = 'scopeguard:\n  run: PATH=node_modules/.bin:$PATH scopeguard pre-commit\n';
    const { file, text } = await edited(original, (lines) =>
      lines.append(['pre-commit', 'commands'], command),
    );
    expect(text).toBe(
      `${original}  commands:\n    scopeguard:\n      run: PATH=node_modules/.bin:$PATH scopeguard pre-commit\n`,
    );
    const lines = (await YamlLines.read(file))!;
    lines.remove(['pre-commit', 'commands', 'scopeguard']);
    lines.save();
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('refuses a flow collection and invalid YAML with the file named and nothing written', async () => {
    const flow = 'repos: []\n';
    await expect(edited(flow, (lines) => lines.append(['repos'], entry))).rejects.toThrow(
      /config\.yaml: repos is not a block list or map, so scopeguard cannot add its entry there: add it by hand/,
    );
    await expect(edited('repos: [\n', () => undefined)).rejects.toThrow(
      /config\.yaml is not valid YAML \(.*\): fix it/,
    );
  });
});
