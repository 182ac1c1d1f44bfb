/**
 * A small CloudWatch Logs Insights evaluator for the queries of the prebuilt
 * dashboard, over parsed JSON log lines: `SOURCE '<group>' |` prefixes,
 * `fields a, b.c, x as y`, `filter` (`= != < > <= >=`, `like /re/` or `like
 * "text"`, `=~ /re/`, `not`, `and`, `or`, parentheses, `ispresent(f)`,
 * `isempty(f)`, `in [..]`), `sort f [asc|desc], …`, `limit n`, and `stats
 * count(*)|count|sum|avg|min|max|pct(f, p) [as name], … [by f, …]`. Anything
 * else is a {@link LogQueryError} naming it, shown in the widget.
 *
 * Fields are looked up the way Logs Insights flattens JSON: `error.name` is
 * `record.error.name`; `@timestamp` is the record's `timestamp` (epoch ms),
 * `@message` the whole line, `@log` its `logGroup` if it has one.
 */

import {
  fieldValue,
  LogQueryError,
  type LogQueryResult,
  type LogRecord,
  order,
  splitList,
  timestampOf,
} from './logFields.js';
import { evalExpr, parseFilter, truthy } from './logFilter.js';
import { runStats } from './logStats.js';

export { LogQueryError, type LogQueryResult, type LogRecord } from './logFields.js';

/** Split on `|` outside quotes and regex literals. */
function splitCommands(query: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i]!;
    if (quote) {
      current += ch;
      if (ch === '\\') current += query[++i] ?? '';
      else if (ch === quote) quote = undefined;
    } else if (
      ch === '"' ||
      ch === "'" ||
      ch === '`' ||
      (ch === '/' && /(like|=~)\s*$/i.test(current))
    ) {
      quote = ch;
      current += ch;
    } else if (ch === '|') {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== '');
}

/**
 * A small CloudWatch Logs Insights evaluator for the queries of the prebuilt
 * dashboard, over parsed JSON log lines: `SOURCE '<group>' |` prefixes,
 * `fields a, b.c, x as y`, `filter` (`= != < > <= >=`, `like /re/` or `like
 * "text"`, `=~ /re/`, `not`, `and`, `or`, parentheses, `ispresent(f)`,
 * `isempty(f)`, `in [..]`), `sort f [asc|desc], …`, `limit n`, and `stats
 * count(*)|count|sum|avg|min|max|pct(f, p) [as name], … [by f, …]`. Anything
 * else is a {@link LogQueryError} naming it, shown in the widget.
 *
 * Fields are looked up the way Logs Insights flattens JSON: `error.name` is
 * `record.error.name`; `@timestamp` is the record's `timestamp` (epoch ms),
 * `@message` the whole line, `@log` its `logGroup` if it has one.
 */

const field = (s: string) => s.trim().replace(/`/g, '');

/**
 * The log groups a dashboard query reads (`SOURCE '<group>' | …`) and the rest of it.
 *
 * @example
 * splitSource("SOURCE '/aws/lambda/fraud' | fields @timestamp"); // { logGroups: ['/aws/lambda/fraud'], query: 'fields @timestamp' }
 */
export function splitSource(query: string): { logGroups: string[]; query: string } {
  const logGroups: string[] = [];
  const commands = splitCommands(query);
  while (commands[0] && /^source\s/i.test(commands[0])) {
    for (const m of commands.shift()!.matchAll(/'([^']*)'|"([^"]*)"/g))
      logGroups.push((m[1] ?? m[2])!);
  }
  return { logGroups, query: commands.join(' | ') };
}

/**
 * Run a Logs Insights query over records. With `SOURCE` groups, a record that
 * names its `logGroup` must be in one of them (records without one always are).
 *
 * @example
 * runLogQuery('fields @timestamp, latency_ms | sort latency_ms desc | limit 5', records);
 */
export function runLogQuery(query: string, records: readonly LogRecord[]): LogQueryResult {
  const { logGroups, query: rest } = splitSource(query);
  let rows: LogRecord[] = records.filter(
    (r) =>
      logGroups.length === 0 || typeof r.logGroup !== 'string' || logGroups.includes(r.logGroup),
  );
  let columns: string[] | undefined;
  let projected = false;
  for (const command of splitCommands(rest)) {
    const [, verb = '', args = ''] = /^(\w+)\s*([\s\S]*)$/.exec(command) ?? [];
    switch (verb.toLowerCase()) {
      case 'fields': {
        const specs = splitList(args).map((item) => {
          const m = /^(.*?)\s+as\s+(\S+)$/i.exec(item);
          return m
            ? { from: field(m[1]!), to: field(m[2]!) }
            : { from: field(item), to: field(item) };
        });
        rows = rows.map((r) => {
          const out: Record<string, unknown> = projected
            ? { ...r }
            : { ...r, '@timestamp': timestampOf(r) };
          for (const s of specs) out[s.to] = fieldValue(r, s.from);
          return out;
        });
        columns = [
          ...(columns ?? []),
          ...specs.map((s) => s.to).filter((c) => !columns?.includes(c)),
        ];
        break;
      }
      case 'filter': {
        const expr = parseFilter(args);
        rows = rows.filter((r) => truthy(evalExpr(expr, r)));
        break;
      }
      case 'sort': {
        const keys = splitList(args).map((k) => {
          const [name = '', dir = 'asc'] = k.split(/\s+/);
          if (!/^(asc|desc)$/i.test(dir))
            throw new LogQueryError(`sort direction ${JSON.stringify(dir)} is not asc or desc`);
          return { name: field(name), sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
        });
        rows = [...rows].sort((a, b) => {
          for (const k of keys) {
            const [x, y] = [fieldValue(a, k.name), fieldValue(b, k.name)];
            if (x === undefined || y === undefined) {
              if (x !== y) return x === undefined ? 1 : -1;
              continue;
            }
            const c = order(x, y);
            if (c !== 0) return k.sign * c;
          }
          return 0;
        });
        break;
      }
      case 'limit': {
        const n = Number(args.trim());
        if (!Number.isInteger(n) || n < 0)
          throw new LogQueryError(`limit ${JSON.stringify(args.trim())} is not a count`);
        rows = rows.slice(0, n);
        break;
      }
      case 'stats': {
        const result = runStats(args, rows);
        rows = [...result.rows];
        columns = [...result.columns];
        projected = true;
        break;
      }
      default:
        throw new LogQueryError(
          `command ${JSON.stringify(verb || command)} is not supported by the preview`,
        );
    }
  }
  const cols = columns ?? ['@timestamp', '@message'];
  return {
    columns: cols,
    rows: rows.map((r) => Object.fromEntries(cols.map((c) => [c, fieldValue(r, c)]))),
  };
}
