import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBlocks, snippet } from '../support/snippets.js';

function markdown(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'oi-snippets-')), 'doc.md');
  writeFileSync(path, text);
  return path;
}

const DOC = [
  '# Title',
  '',
  '<!-- snippet: install -->',
  '```sh',
  'npm install observed-inference',
  '```',
  '',
  'Text.',
  '',
  '```ts',
  'const a = 1;',
  '',
  'const b = "```";',
  '```',
  '',
  '<!-- snippet: nested -->',
  '````md',
  '```ts',
  'inner',
  '```',
  '````',
  '',
  '  ```',
  '  indented',
  '  ```',
  '',
].join('\n');

describe('codeBlocks', () => {
  it('returns every fenced block with its line, language, name and code', () => {
    const path = markdown(DOC);
    expect(codeBlocks(path)).toEqual([
      {
        file: path,
        line: 4,
        lang: 'sh',
        name: 'install',
        code: 'npm install observed-inference\n',
      },
      { file: path, line: 10, lang: 'ts', code: 'const a = 1;\n\nconst b = "```";\n' },
      { file: path, line: 17, lang: 'md', name: 'nested', code: '```ts\ninner\n```\n' },
      { file: path, line: 23, lang: '', code: 'indented\n' },
    ]);
  });

  it('reads paths relative to the repository root', () => {
    expect(codeBlocks('README.md').length).toBeGreaterThan(0);
  });
});

describe('snippet', () => {
  it('returns the code of the named block', () => {
    expect(snippet(markdown(DOC), 'install')).toBe('npm install observed-inference\n');
  });

  it('throws naming the file and the snippet when there is none', () => {
    const path = markdown(DOC);
    expect(() => snippet(path, 'missing')).toThrow(`${path} has no code block named 'missing'`);
  });

  it('throws when two blocks share a name', () => {
    const path = markdown(
      `<!-- snippet: a -->\n\`\`\`sh\nx\n\`\`\`\n<!-- snippet: a -->\n\`\`\`sh\ny\n\`\`\`\n`,
    );
    expect(() => snippet(path, 'a')).toThrow(/names 2 code blocks 'a' \(lines 2, 6\)/);
  });
});
