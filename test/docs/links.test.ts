/**
 * Every relative link and image of the documentation points at a file that
 * exists, and every `#anchor` at a heading of its target.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';
import { documentationFiles } from './project.js';

const FENCED = /^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2[^\n]*$/gm;

/** The text outside fenced code blocks and code spans, where links are links. */
function prose(markdown: string): string {
  return markdown.replace(FENCED, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors (code spans keep their text): lowercase, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of markdown.replace(FENCED, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function brokenLinks(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const problems: string[] = [];
  for (const [, target] of prose(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (/^[a-z]+:/i.test(target!)) continue; // https:, mailto:
    const [path = '', anchor] = target!.split('#');
    const resolved = path
      ? normalize(join(dirname(join(repoRoot, file)), path))
      : join(repoRoot, file);
    const shown = relative(repoRoot, resolved);
    if (!existsSync(resolved)) {
      problems.push(`${file}: ${target} → ${shown} does not exist`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!statSync(resolved).isFile() || !resolved.endsWith('.md')) {
      problems.push(`${file}: ${target} has an anchor but ${shown} is not a Markdown file`);
      continue;
    }
    if (!anchors(readFileSync(resolved, 'utf8')).has(anchor))
      problems.push(`${file}: ${target} → no heading '#${anchor}' in ${shown}`);
  }
  return problems;
}

describe('the links of the documentation', () => {
  it.each(documentationFiles())('%s: every relative link resolves', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('computes anchors as GitHub does', () => {
    expect([
      ...anchors(
        '## 1. Library: wrap the handler\n### `InferenceAlarms`\n## Two commands\n## Two commands\n',
      ),
    ]).toEqual(['1-library-wrap-the-handler', 'inferencealarms', 'two-commands', 'two-commands-1']);
  });
});
