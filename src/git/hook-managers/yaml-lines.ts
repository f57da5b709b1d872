import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Document, Node, Pair, ParsedNode, YAMLMap, YAMLSeq } from 'yaml';
import { UsageError } from '../../errors.js';

type Yaml = typeof import('yaml');
type Key = string | number;

/**
 * A YAML file edited by whole lines: an entry goes in as a block of lines at the end of the list or
 * map it belongs to, and comes out as exactly those lines, so comments, quoting and layout
 * everywhere else stay byte for byte, and removing what was added gives the file back unchanged.
 */
export class YamlLines {
  private document: Document.Parsed;

  private constructor(
    private readonly yaml: Yaml,
    readonly file: string,
    private text: string,
  ) {
    this.document = this.parse();
  }

  /** The file's lines, or undefined when there is no such file. Loads the YAML parser on demand. */
  static async read(file: string): Promise<YamlLines | undefined> {
    if (!existsSync(file)) return undefined;
    return new YamlLines(await import('yaml'), file, readFileSync(file, 'utf8'));
  }

  /** A file that does not exist yet, written on `save`. */
  static async create(file: string): Promise<YamlLines> {
    return new YamlLines(await import('yaml'), file, '');
  }

  /** The content as plain data (undefined for a file of comments only). */
  data(): unknown {
    return this.document.toJS();
  }

  save(): void {
    writeFileSync(this.file, this.text);
  }

  /**
   * Add `entry` (YAML lines, indented from column 0: `key: ...` for a map, `- ...` for a list) at
   * the end of the collection at `path`, creating the keys of `path` that are missing.
   */
  append(path: readonly Key[], entry: string): void {
    let parent: Node | null = this.document.contents;
    let found = 0;
    for (const key of path) {
      if (!this.yaml.isCollection(parent)) break;
      const child = parent.get(key, true) as Node | undefined;
      if (child === undefined) break;
      if (!this.yaml.isCollection(child) || child.flow) {
        throw this.unsupported(path.slice(0, found + 1), 'is not a block list or map');
      }
      parent = child;
      found += 1;
    }
    let block = entry;
    for (const key of path.slice(found).reverse()) block = `${key}:\n${indent(block, '  ')}`;
    if (parent !== null && (!this.yaml.isCollection(parent) || parent.flow))
      throw this.unsupported(path.slice(0, found), 'is not a block list or map');
    const at = parent === null ? this.text.length : parent.range![2];
    const margin = parent === null ? '' : this.itemMargin(parent);
    this.insertLines(at, indent(block, margin));
  }

  /**
   * Take out the entry at `path` (a map key or a list index) with its lines, and with it every
   * collection that held nothing else, up to the top.
   */
  remove(path: readonly Key[]): void {
    let target = [...path];
    while (target.length > 1 && this.collectionSize(target.slice(0, -1)) === 1)
      target = target.slice(0, -1);
    const parentPath = target.slice(0, -1);
    const parent =
      parentPath.length === 0 ? this.document.contents : this.document.getIn(parentPath, true);
    const key = target[target.length - 1]!;
    let start: number;
    let end: number;
    if (this.yaml.isSeq(parent)) {
      const item = parent.items[key as number] as ParsedNode;
      [start, end] = [item.range[0], item.range[2]];
    } else if (this.yaml.isMap(parent)) {
      const pair = parent.items.find((candidate) => this.keyOf(candidate.key) === key)!;
      const keyNode = pair.key as ParsedNode;
      const valueNode = pair.value as ParsedNode | null;
      [start, end] = [keyNode.range[0], (valueNode ?? keyNode).range[2]];
    } else {
      throw this.unsupported(parentPath, 'is not a block list or map');
    }
    this.removeLines(start, end);
  }

  private parse(): Document.Parsed {
    const document = this.yaml.parseDocument(this.text);
    const error = document.errors[0];
    if (error) {
      throw new UsageError(
        `${this.file} is not valid YAML (${error.message.split('\n')[0]}): fix it, then run the command again`,
        'config',
      );
    }
    return document;
  }

  private collectionSize(path: readonly Key[]): number {
    const node = this.document.getIn(path, true);
    return this.yaml.isCollection(node) ? node.items.length : 0;
  }

  private keyOf(node: unknown): unknown {
    return this.yaml.isScalar(node) ? node.value : node;
  }

  /** The indentation of a collection's items: the column of a map's keys, of a list's dashes. */
  private itemMargin(collection: YAMLMap | YAMLSeq): string {
    const first = collection.items[0] as ParsedNode | Pair<ParsedNode>;
    const start = (this.yaml.isPair(first) ? first.key : first).range[0];
    const lineStart = this.text.lastIndexOf('\n', start - 1) + 1;
    const column = this.yaml.isSeq(collection)
      ? this.text.lastIndexOf('-', start - 1) - lineStart
      : start - lineStart;
    return ' '.repeat(column);
  }

  private insertLines(at: number, lines: string): void {
    const lineEnd = this.lineEnd(at);
    const addition =
      this.text.endsWith('\n') || lineEnd < this.text.length || this.text === ''
        ? lines
        : `\n${lines.slice(0, -1)}`;
    this.replace(lineEnd, lineEnd, addition);
  }

  private removeLines(start: number, end: number): void {
    const from = this.text.lastIndexOf('\n', start - 1) + 1;
    const to = this.lineEnd(end);
    // The last lines of a file without a final newline take the newline before them.
    const atEof = to === this.text.length && !this.text.endsWith('\n') && from > 0;
    this.replace(atEof ? from - 1 : from, to, '');
  }

  /** The start of the line after the one `at` is on (`at` itself when it starts a line). */
  private lineEnd(at: number): number {
    if (at === 0 || this.text[at - 1] === '\n') return at;
    const newline = this.text.indexOf('\n', at);
    return newline === -1 ? this.text.length : newline + 1;
  }

  private replace(from: number, to: number, text: string): void {
    this.text = this.text.slice(0, from) + text + this.text.slice(to);
    this.document = this.parse();
  }

  private unsupported(path: readonly Key[], problem: string): UsageError {
    return new UsageError(
      `${this.file}: ${path.join('.') || 'the top level'} ${problem}, so scopeguard cannot add its entry there: add it by hand (README, "Hook managers")`,
      'config',
    );
  }
}

function indent(block: string, margin: string): string {
  return block.replace(/^(?=.)/gm, margin);
}
