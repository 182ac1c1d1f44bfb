/** Records, fields and errors shared by the Logs Insights evaluator's parts. */

/** One parsed JSON log line (Powertools' keys plus ours). */
export type LogRecord = Readonly<Record<string, unknown>>;

/** The rows of a query, with its columns in order. */
export interface LogQueryResult {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** A query the preview cannot run. */
export class LogQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogQueryError';
  }
}

/** A field of a record, as Logs Insights names it. */
export function fieldValue(record: LogRecord, name: string): unknown {
  if (name === '@timestamp') return timestampOf(record);
  if (name === '@message') return JSON.stringify(record);
  if (name === '@log') return record.logGroup;
  if (name in record) return record[name];
  let value: unknown = record;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** `@timestamp`: the record's `timestamp` (ISO string or epoch ms) as epoch ms. */
export function timestampOf(record: LogRecord): number | undefined {
  const t = record['@timestamp'] ?? record.timestamp;
  if (typeof t === 'number') return t;
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Numbers (and numeric strings against numbers) numerically, the rest as text. */
export function order(a: unknown, b: unknown): number {
  const na =
    typeof a === 'number'
      ? a
      : typeof a === 'string' && typeof b === 'number'
        ? Number(a)
        : Number.NaN;
  const nb =
    typeof b === 'number'
      ? b
      : typeof b === 'string' && typeof a === 'number'
        ? Number(b)
        : Number.NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Split a comma-separated list outside parentheses and quotes. */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      items.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') items.push(current.trim());
  return items;
}
