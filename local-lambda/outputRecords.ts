/**
 * What CloudWatch Logs makes of the lines a function writes: EMF records,
 * which become metrics, and JSON log records (the EMF lines left out).
 */

/** One parsed EMF record. */
export interface EmfRecord {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit?: string }>;
    }>;
  };
  [key: string]: unknown;
}

/**
 * Lines of output that are EMF records.
 *
 * @example
 * const records = emfRecords(fn.linesSince(mark, 'stdout'));
 */
export function emfRecords(lines: readonly string[]): EmfRecord[] {
  const out: EmfRecord[] = [];
  for (const line of lines) {
    if (!line.includes('"_aws"')) continue;
    try {
      const parsed = JSON.parse(line.slice(line.indexOf('{'))) as EmfRecord;
      if (parsed._aws) out.push(parsed);
    } catch {
      // not JSON
    }
  }
  return out;
}

/**
 * All values of `name` across records (arrays flattened).
 *
 * @example
 * metricValues(records, 'Latency'); // [12.5, 3.1, …]
 */
export function metricValues(records: readonly EmfRecord[], name: string): number[] {
  const values: number[] = [];
  for (const r of records) {
    const v = r[name];
    if (typeof v === 'number') values.push(v);
    else if (Array.isArray(v)) values.push(...(v as number[]));
  }
  return values;
}

/**
 * JSON log lines (not EMF) of the output.
 *
 * @example
 * logRecords(fn.lines()).filter((r) => r.level === 'ERROR');
 */
export function logRecords(lines: readonly string[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of lines) {
    const start = line.indexOf('{');
    if (start < 0 || line.includes('"_aws"')) continue;
    try {
      const parsed = JSON.parse(line.slice(start)) as Record<string, unknown>;
      if (typeof parsed.level === 'string') out.push(parsed);
    } catch {
      // not JSON
    }
  }
  return out;
}
