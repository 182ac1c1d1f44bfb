/** The rows of the report's three tables of figures, each with its header. */
import type { Contender } from './contenders.js';
import type { Figures } from './figures.js';
import { cell, kb, num, ratio } from './markdown.js';
import type { LayerSize } from './sizes.js';

export const OVERHEAD_HEADER = [
  'contender',
  'signals',
  'cold start +ms',
  'first invocation +ms',
  'warm p50 +µs',
  'warm p99 +µs',
  'CPU/invocation +µs',
  'RSS after init +MB',
  'RSS after 1st invocation +MB',
  'heap growth MB',
  'layer zip KB',
  'unzipped KB',
  'telemetry B/invocation',
] as const;

/** Each figure as the difference to the bare handler of the same round. */
export function overheadRow(c: Contender, f: Figures, size: LayerSize | undefined): string[] {
  return [
    c.label,
    c.signals,
    cell(f.coldStartOverheadMs),
    cell(f.firstOverheadMs),
    cell(f.warmP50OverheadUs),
    cell(f.warmP99OverheadUs),
    cell(f.cpuOverheadUs),
    cell(f.rssOverheadMb),
    cell(f.rssFirstOverheadMb),
    cell(f.heapGrowthMb),
    size ? kb(size.zipBytes) : '—',
    size ? kb(size.unzippedBytes) : '—',
    num(f.telemetryBytesPerInvocation.median),
  ];
}

/** Each overhead as a multiple of ours. */
export function ratioRow(
  c: Contender,
  f: Figures,
  ours: Figures,
  size?: LayerSize,
  ourSize?: LayerSize,
) {
  return [
    c.label,
    ratio(f.coldStartOverheadMs.median, ours.coldStartOverheadMs.median),
    ratio(f.firstOverheadMs.median, ours.firstOverheadMs.median),
    ratio(f.warmP50OverheadUs.median, ours.warmP50OverheadUs.median),
    ratio(f.warmP99OverheadUs.median, ours.warmP99OverheadUs.median),
    ratio(f.cpuOverheadUs.median, ours.cpuOverheadUs.median),
    ratio(f.rssOverheadMb.median, ours.rssOverheadMb.median),
    ratio(size?.zipBytes ?? Number.NaN, ourSize?.zipBytes ?? Number.NaN),
    ratio(f.telemetryBytesPerInvocation.median, ours.telemetryBytesPerInvocation.median),
  ];
}

/** Each figure as measured. */
export function absoluteRow(c: Contender, f: Figures): string[] {
  const p = f.phasesMs;
  const per = f.perInvocation;
  return [
    c.label,
    cell(f.coldStartMs),
    `${num(p.exec)} / ${num(p.bootstrap)} / ${num(p.preload)} / ${num(p.handlerImport)}`,
    cell(f.firstMs),
    cell(f.warmP50Us),
    cell(f.warmP99Us),
    cell(f.cpuPerInvocationUs),
    cell(f.rssInitMb),
    `${num(f.heapAt10Mb.median)} → ${num(f.heapAt100Mb.median)} (+${num(f.heapGrowthSecondHalfMb.median)} in the 2nd half)`,
    `${num(per.stdoutLines)} / ${num(per.udpDatagrams)} / ${num(per.otlpRequests)}`,
    `${num(per.stdoutBytes)} / ${num(per.udpBytes)} / ${num(per.otlpBytes)}`,
  ];
}

export const RATIO_HEADER = [
  'contender',
  'cold start',
  'first invocation',
  'warm p50',
  'warm p99',
  'CPU',
  'RSS',
  'layer zip',
  'telemetry bytes',
] as const;

export const ABSOLUTE_HEADER = [
  'contender',
  'cold start ms',
  'exec / bootstrap / preload / import ms',
  'first invocation ms',
  'warm p50 µs',
  'warm p99 µs',
  'CPU µs/invocation',
  'RSS after init MB',
  'heap after GC MB (10% → 100%)',
  'per invocation: stdout lines / UDP datagrams / OTLP requests',
  'per invocation bytes: stdout+stderr / UDP / OTLP',
] as const;
