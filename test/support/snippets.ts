import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from './paths.js';

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root (`docs/cdk.md`). */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's info string up to the first space (`ts`, `sh`), `''` when there is none. */
  readonly lang: string;
  /** From `<!-- snippet: <name> -->` on the line right before the fence. */
  readonly name?: string;
  /** The block's text, without the fences, ending in a newline. */
  readonly code: string;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/;
const NAME = /^\s*<!--\s*snippet:\s*(\S+)\s*-->\s*$/;

/**
 * Every fenced code block of a Markdown file, in order, each with the name
 * its `<!-- snippet: <name> -->` comment gives it. Tests compile and run
 * these, so the docs show only code that works.
 *
 * @example
 * for (const block of codeBlocks('README.md')) console.log(block.line, block.lang, block.name);
 */
export function codeBlocks(markdownPath: string): CodeBlock[] {
  const lines = readFileSync(resolve(repoRoot, markdownPath), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const text = lines[j]!;
      if (isClosingFence(text, fence)) break;
      // Content lines lose up to the opening fence's indentation, as CommonMark says.
      body.push(text.replace(new RegExp(`^ {0,${indent.length}}`), ''));
    }
    const name = i > 0 ? NAME.exec(lines[i - 1]!)?.[1] : undefined;
    blocks.push({
      file: markdownPath,
      line: i + 1,
      lang,
      ...(name ? { name } : {}),
      code: body.length ? `${body.join('\n')}\n` : '',
    });
    i = j;
  }
  return blocks;
}

function isClosingFence(text: string, fence: string): boolean {
  const trimmed = text.trim();
  return (
    /^ {0,3}\S/.test(text) &&
    trimmed.length >= fence.length &&
    trimmed === fence[0]!.repeat(trimmed.length)
  );
}

/**
 * The code of the block named `<!-- snippet: <name> -->` in a Markdown file.
 *
 * @example
 * const handler = snippet('README.md', 'library-handler');
 */
export function snippet(markdownPath: string, name: string): string {
  const blocks = codeBlocks(markdownPath).filter((block) => block.name === name);
  if (blocks.length === 0)
    throw new Error(
      `${markdownPath} has no code block named '${name}' (a <!-- snippet: ${name} --> line right before its fence)`,
    );
  if (blocks.length > 1)
    throw new Error(
      `${markdownPath} names ${blocks.length} code blocks '${name}' (lines ${blocks.map((b) => b.line).join(', ')})`,
    );
  return blocks[0]!.code;
}
