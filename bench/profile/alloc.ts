/**
 * 4. Allocation sites of the warm loop: V8's sampling heap profiler over a
 * whole run of the instrumented build, objects the GC already collected
 * included (`bench/child/allocSampler.mjs`), each sampled byte attributed to
 * the innermost bundled module on its stack and to the function that
 * allocated it. Init and the first invocation are in the run too; over
 * thousands of warm invocations they weigh next to nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ProfileContext, profileRun } from './context.js';
import { type ModuleMap, moduleOfFrame, outsideOwner } from './devLayer.js';
import { topTable } from './tables.js';

const SAMPLER = fileURLToPath(new URL('../child/allocSampler.mjs', import.meta.url));

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

export interface AllocProfile {
  byModule: Map<string, number>;
  byFunction: Map<string, number>;
  totalBytes: number;
  invocations: number;
}

function attribute(root: HeapNode, map: ModuleMap, invocations: number): AllocProfile {
  const out: AllocProfile = {
    byModule: new Map(),
    byFunction: new Map(),
    totalBytes: 0,
    invocations,
  };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  // A native allocator (`Map`, an iterator's `next`) is named with the JavaScript function that called it.
  const walk = (node: HeapNode, owner: string | undefined, caller: string) => {
    const { url, lineNumber, functionName } = node.callFrame;
    const mine = moduleOfFrame(map, url, lineNumber);
    const here = mine ?? owner;
    if (node.selfSize > 0) {
      out.totalBytes += node.selfSize;
      add(out.byModule, here ?? outsideOwner(url, functionName), node.selfSize);
      const where = mine ?? (url || `(native, from ${caller})`);
      add(out.byFunction, `${functionName || '(anonymous)'} — ${where}`, node.selfSize);
    }
    const name = url
      ? `${functionName || '(anonymous)'} in ${mine ?? url.split('/').pop()}`
      : caller;
    for (const child of node.children) walk(child, here, name);
  };
  walk(root, undefined, '(root)');
  return out;
}

/**
 * One warm loop of the instrumented build under the allocation sampler.
 *
 * @example
 * const alloc = await profileAlloc(ctx);
 */
export async function profileAlloc(ctx: ProfileContext): Promise<AllocProfile> {
  const file = join(ctx.profDir, 'alloc.heapprofile');
  await profileRun(ctx, ctx.devStaged, {
    contender: ctx.mode,
    round: 0,
    warm: ctx.warm,
    nodeArgs: ['--import', SAMPLER],
    env: { OI_PROFILE_ALLOC: file },
  });
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  return attribute(profile.head, ctx.modules, ctx.warm + 1);
}

/** The report's allocation section: bytes per invocation by module and by allocating function. */
export function allocSection(alloc: AllocProfile): string[] {
  const n = alloc.invocations;
  return [
    '## Allocation per invocation by module and by allocating function (bytes)',
    '',
    `Sampled over one run (init, first and ${n - 1} warm invocations): ${(alloc.totalBytes / n / 1024).toFixed(1)} KB per invocation, garbage included.`,
    '',
    topTable('module', 'bytes/invocation', [alloc.byModule], 1 / n, 30),
    '',
    topTable('function — module', 'bytes/invocation', [alloc.byFunction], 1 / n, 40),
    '',
  ];
}
