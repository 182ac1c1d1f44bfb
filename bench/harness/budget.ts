/** Our targets (issue 6) and how a run measures against them. */
import { OURS } from './contenders.js';
import type { Figures } from './figures.js';
import type { LayerSize } from './sizes.js';

/** Our targets (issue 6), checked against both our modes. */
export const BUDGET = [
  {
    name: 'cold-start overhead (median)',
    limit: 15,
    unit: 'ms',
    get: (f: Figures) => f.coldStartOverheadMs.median,
  },
  {
    name: 'warm overhead p50 (median)',
    limit: 40,
    unit: 'µs',
    get: (f: Figures) => f.warmP50OverheadUs.median,
  },
  {
    name: 'warm overhead p99 (median)',
    limit: 250,
    unit: 'µs',
    get: (f: Figures) => f.warmP99OverheadUs.median,
  },
  {
    name: 'RSS after init over bare (median)',
    limit: 6,
    unit: 'MB',
    get: (f: Figures) => f.rssOverheadMb.median,
  },
  {
    name: 'heap growth over the leak run (median)',
    limit: 1,
    unit: 'MB',
    get: (f: Figures) => f.heapGrowthMb.median,
  },
] as const;
export const ZIP_BUDGET_KB = 150;

export interface BudgetLine {
  readonly contender: string;
  readonly target: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: string;
  readonly pass: boolean;
}

/** Each target against each of our contenders, and our layer's zip size. */
export function budgetCheck(
  figures: ReadonlyMap<string, Figures>,
  sizes: ReadonlyMap<string, LayerSize>,
): BudgetLine[] {
  const lines: BudgetLine[] = [];
  for (const id of ['oi-library', 'oi-library-cjs', 'oi-zero-code']) {
    const f = figures.get(id);
    if (!f) continue;
    for (const target of BUDGET) {
      const value = target.get(f);
      lines.push({
        contender: id,
        target: target.name,
        value,
        limit: target.limit,
        unit: target.unit,
        pass: Number.isFinite(value) && value <= target.limit,
      });
    }
  }
  const zip = sizes.get(OURS);
  if (zip) {
    const kb = zip.zipBytes / 1024;
    lines.push({
      contender: 'layer',
      target: 'layer zip',
      value: kb,
      limit: ZIP_BUDGET_KB,
      unit: 'KB',
      pass: kb <= ZIP_BUDGET_KB,
    });
  }
  return lines;
}
