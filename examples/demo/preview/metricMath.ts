import type { Datapoint } from './metricStore.js';

/**
 * CloudWatch metric math, the subset the prebuilt dashboard and alarms use and
 * a little more: numbers and metric ids; `+ - * / ^`; comparisons (`> < >= <=
 * == !=`, 1 or 0); `AND`/`&&`, `OR`/`||`, `NOT`; parentheses; `FILL(m, value |
 * REPEAT | LINEAR)`, `IF(cond, a[, b])`, `ABS`, `CEIL`, `FLOOR`, `MIN`/`MAX`/
 * `SUM`/`AVG` of one series (a scalar), and `ANOMALY_DETECTION_BAND(m[, k])`,
 * approximated (see {@link anomalyBand}). As in CloudWatch, two series combine
 * only at timestamps both have; a scalar applies to every point; a result that
 * is not a finite number (a division by zero) is no data point.
 */

/** The result of an expression: one series, or a band (two). */
export type MathResult =
  | { readonly kind: 'series'; readonly points: Datapoint[] }
  | { readonly kind: 'band'; readonly lower: Datapoint[]; readonly upper: Datapoint[] };

/** An expression the preview cannot parse or evaluate; the widget shows the message. */
export class MetricMathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricMathError';
  }
}

type Node =
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'id'; readonly name: string }
  | { readonly type: 'unary'; readonly op: string; readonly arg: Node }
  | { readonly type: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Node[] };

type Series = Map<number, number>;
type Value =
  | { readonly kind: 'scalar'; readonly value: number }
  | { readonly kind: 'series'; readonly points: Series }
  | { readonly kind: 'band'; readonly lower: Series; readonly upper: Series }
  | { readonly kind: 'keyword'; readonly name: string };

const TOKEN =
  /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||[<>!=]=|[-+*/^(),<>!])|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match)
      throw new MetricMathError(
        `unexpected ${JSON.stringify(expression.slice(at).trim()[0])} at ${at} in ${JSON.stringify(expression)}`,
      );
    tokens.push((match[1] ?? match[2] ?? match[3] ?? match[4])!);
  }
  return tokens;
}

const BINARY: Readonly<Record<string, number>> = {
  OR: 1,
  '||': 1,
  AND: 2,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '>': 3,
  '<=': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '^': 6,
};

/** Precedence climbing over the tokens. */
function parse(expression: string): Node {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = () => tokens[i];
  const expect = (t: string) => {
    if (tokens[i] !== t)
      throw new MetricMathError(`expected ${JSON.stringify(t)} in ${JSON.stringify(expression)}`);
    i++;
  };
  const primary = (): Node => {
    const t = tokens[i++];
    if (t === undefined)
      throw new MetricMathError(`unexpected end of ${JSON.stringify(expression)}`);
    if (t === '(') {
      const inner = binary(0);
      expect(')');
      return inner;
    }
    if (t === '-' || t === '+' || t === '!' || t === 'NOT')
      return { type: 'unary', op: t === 'NOT' ? '!' : t, arg: binary(6) };
    if (/^[\d.]/.test(t)) return { type: 'number', value: Number(t) };
    if (/^['"]/.test(t)) return { type: 'string', value: t.slice(1, -1) };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() !== '(') return { type: 'id', name: t };
      i++;
      const args: Node[] = [];
      if (peek() !== ')') {
        args.push(binary(0));
        while (peek() === ',') {
          i++;
          args.push(binary(0));
        }
      }
      expect(')');
      return { type: 'call', name: t.toUpperCase(), args };
    }
    throw new MetricMathError(`unexpected ${JSON.stringify(t)} in ${JSON.stringify(expression)}`);
  };
  const binary = (minPrecedence: number): Node => {
    let left = primary();
    for (;;) {
      const op = peek();
      const precedence = op === undefined ? undefined : BINARY[op];
      if (op === undefined || precedence === undefined || precedence < minPrecedence) break;
      i++;
      // `^` is right-associative, the others left-associative.
      const right = binary(op === '^' ? precedence : precedence + 1);
      left = { type: 'binary', op, left, right };
    }
    return left;
  };
  const tree = binary(0);
  if (i < tokens.length)
    throw new MetricMathError(
      `unexpected ${JSON.stringify(tokens[i])} in ${JSON.stringify(expression)}`,
    );
  return tree;
}

function applyOp(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '^':
      return a ** b;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case 'AND':
    case '&&':
      return a !== 0 && b !== 0 ? 1 : 0;
    default:
      return a !== 0 || b !== 0 ? 1 : 0;
  }
}

function finite(points: Series): Series {
  for (const [t, v] of points) if (!Number.isFinite(v)) points.delete(t);
  return points;
}

/** Combine two values point by point (series with series: common timestamps). */
function combine(a: Value, b: Value, f: (x: number, y: number) => number, what: string): Value {
  if (a.kind === 'scalar' && b.kind === 'scalar')
    return { kind: 'scalar', value: f(a.value, b.value) };
  if (a.kind === 'series' && b.kind === 'scalar')
    return {
      kind: 'series',
      points: finite(new Map([...a.points].map(([t, v]) => [t, f(v, b.value)]))),
    };
  if (a.kind === 'scalar' && b.kind === 'series')
    return {
      kind: 'series',
      points: finite(new Map([...b.points].map(([t, v]) => [t, f(a.value, v)]))),
    };
  if (a.kind === 'series' && b.kind === 'series') {
    const out: Series = new Map();
    for (const [t, v] of a.points) {
      const w = b.points.get(t);
      if (w !== undefined) out.set(t, f(v, w));
    }
    return { kind: 'series', points: finite(out) };
  }
  throw new MetricMathError(
    `${what} cannot take ${a.kind === 'series' || a.kind === 'scalar' ? b.kind : a.kind}`,
  );
}

/** The context of one evaluation. */
interface Context {
  readonly series: Readonly<Record<string, readonly Datapoint[]>>;
  /** Every period start of the time range, for FILL and constant results. */
  readonly grid: readonly number[];
  readonly expression: string;
}

function evaluate(node: Node, ctx: Context): Value {
  switch (node.type) {
    case 'number':
      return { kind: 'scalar', value: node.value };
    case 'string':
      throw new MetricMathError(
        'a string is only an argument of functions the preview does not support',
      );
    case 'id': {
      if (node.name === 'REPEAT' || node.name === 'LINEAR')
        return { kind: 'keyword', name: node.name };
      const points = ctx.series[node.name];
      if (!points)
        throw new MetricMathError(
          `unknown id ${JSON.stringify(node.name)} in ${JSON.stringify(ctx.expression)}`,
        );
      return { kind: 'series', points: new Map(points.map((p) => [p.timestamp, p.value])) };
    }
    case 'unary': {
      const arg = evaluate(node.arg, ctx);
      const f =
        node.op === '-'
          ? (x: number) => -x
          : node.op === '!'
            ? (x: number) => (x === 0 ? 1 : 0)
            : (x: number) => x;
      return combine(arg, { kind: 'scalar', value: 0 }, (x) => f(x), node.op);
    }
    case 'binary':
      return combine(
        evaluate(node.left, ctx),
        evaluate(node.right, ctx),
        (x, y) => applyOp(node.op, x, y),
        node.op,
      );
    case 'call':
      if (!SUPPORTED.includes(node.name))
        throw new MetricMathError(`function ${node.name}() is not supported by the preview`);
      return call(
        node.name,
        node.args.map((a) => evaluate(a, ctx)),
        ctx,
      );
  }
}

/** Functions {@link call} knows; any other is reported before its arguments are read. */
const SUPPORTED = [
  'FILL',
  'IF',
  'ABS',
  'CEIL',
  'FLOOR',
  'MIN',
  'MAX',
  'SUM',
  'AVG',
  'ANOMALY_DETECTION_BAND',
];

function seriesArg(name: string, v: Value | undefined): Series {
  if (v?.kind === 'series') return v.points;
  throw new MetricMathError(`${name}() takes a metric or expression as its first argument`);
}

function call(name: string, args: readonly Value[], ctx: Context): Value {
  switch (name) {
    case 'FILL':
      return { kind: 'series', points: fill(seriesArg(name, args[0]), args[1], ctx.grid) };
    case 'IF':
      return ifThen(args, ctx.grid);
    case 'ABS':
    case 'CEIL':
    case 'FLOOR': {
      const f = name === 'ABS' ? Math.abs : name === 'CEIL' ? Math.ceil : Math.floor;
      if (!args[0] || args[0].kind === 'keyword' || args[0].kind === 'band')
        throw new MetricMathError(`${name}() takes one metric, expression or number`);
      return combine(args[0], { kind: 'scalar', value: 0 }, (x) => f(x), name);
    }
    case 'MIN':
    case 'MAX':
    case 'SUM':
    case 'AVG': {
      const values = [...seriesArg(name, args[0]).values()];
      if (args.length !== 1)
        throw new MetricMathError(`${name}() of several series is not supported by the preview`);
      const total = values.reduce((s, v) => s + v, 0);
      const value =
        values.length === 0
          ? Number.NaN
          : name === 'MIN'
            ? Math.min(...values)
            : name === 'MAX'
              ? Math.max(...values)
              : name === 'SUM'
                ? total
                : total / values.length;
      return { kind: 'scalar', value };
    }
    case 'ANOMALY_DETECTION_BAND': {
      const k = args[1] === undefined ? 2 : args[1].kind === 'scalar' ? args[1].value : Number.NaN;
      if (!Number.isFinite(k))
        throw new MetricMathError('ANOMALY_DETECTION_BAND() takes a number of standard deviations');
      return anomalyBand(seriesArg(name, args[0]), k);
    }
    default:
      throw new MetricMathError(`function ${name}() is not supported by the preview`);
  }
}

function fill(points: Series, how: Value | undefined, grid: readonly number[]): Series {
  const times = [...new Set([...grid, ...points.keys()])].sort((a, b) => a - b);
  const out: Series = new Map();
  if (how?.kind === 'scalar' || how?.kind === 'series') {
    for (const t of times) {
      const v = points.get(t) ?? (how.kind === 'scalar' ? how.value : how.points.get(t));
      if (v !== undefined) out.set(t, v);
    }
    return out;
  }
  if (how?.kind !== 'keyword') throw new MetricMathError('FILL() takes a value, REPEAT or LINEAR');
  const known = times.filter((t) => points.has(t));
  for (const t of times) {
    const before = known.filter((k) => k <= t).at(-1);
    const after = known.find((k) => k >= t);
    if (before === undefined && after === undefined) continue;
    if (how.name === 'REPEAT' || before === undefined || after === undefined || before === after) {
      out.set(t, points.get(before ?? after!)!);
      continue;
    }
    const [a, b] = [points.get(before)!, points.get(after)!];
    out.set(t, a + ((b - a) * (t - before)) / (after - before));
  }
  return out;
}

function ifThen(args: readonly Value[], grid: readonly number[]): Value {
  const [cond, then, otherwise] = args;
  if (!cond || !then || args.length > 3)
    throw new MetricMathError('IF() takes a condition, a value and an optional other value');
  const at = (v: Value | undefined, t: number): number | undefined =>
    v === undefined
      ? undefined
      : v.kind === 'scalar'
        ? v.value
        : v.kind === 'series'
          ? v.points.get(t)
          : undefined;
  const times = cond.kind === 'series' ? [...cond.points.keys()] : [...grid];
  const out: Series = new Map();
  for (const t of times) {
    const c = at(cond, t);
    if (c === undefined) continue;
    const v = c !== 0 ? at(then, t) : at(otherwise, t);
    if (v !== undefined && Number.isFinite(v)) out.set(t, v);
  }
  return { kind: 'series', points: out };
}

/**
 * CloudWatch's band comes from a model trained on up to two weeks of the
 * metric's history, which a local run does not have. The preview draws the
 * series' mean ± k standard deviations over the shown range: the shape of the
 * widget, not CloudWatch's numbers.
 */
function anomalyBand(points: Series, k: number): Value {
  const values = [...points.values()];
  const mean = values.reduce((s, v) => s + v, 0) / (values.length || 1);
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length || 1));
  const lower: Series = new Map();
  const upper: Series = new Map();
  for (const t of points.keys()) {
    lower.set(t, mean - k * sd);
    upper.set(t, mean + k * sd);
  }
  return { kind: 'band', lower, upper };
}

const toPoints = (s: Series): Datapoint[] =>
  [...s].sort(([a], [b]) => a - b).map(([timestamp, value]) => ({ timestamp, value }));

/**
 * Evaluate a metric-math expression over series by id. `grid` (every period
 * start of the time range) is where `FILL` fills and where a constant is drawn;
 * without it, the timestamps of the given series.
 *
 * @example
 * mathExpression('errors / invocations', { errors, invocations }).points;
 */
export function mathExpression(
  expression: string,
  series: Readonly<Record<string, readonly Datapoint[]>>,
  grid?: readonly number[],
): MathResult {
  const times =
    grid ??
    [...new Set(Object.values(series).flatMap((s) => s.map((p) => p.timestamp)))].sort(
      (a, b) => a - b,
    );
  const value = evaluate(parse(expression), { series, grid: times, expression });
  switch (value.kind) {
    case 'series':
      return { kind: 'series', points: toPoints(value.points) };
    case 'scalar':
      return {
        kind: 'series',
        points: Number.isFinite(value.value)
          ? times.map((timestamp) => ({ timestamp, value: value.value }))
          : [],
      };
    case 'band':
      return { kind: 'band', lower: toPoints(value.lower), upper: toPoints(value.upper) };
    default:
      throw new MetricMathError(`${value.name} is only an argument of FILL()`);
  }
}

/**
 * The ids an expression refers to (to evaluate the expressions it depends on first).
 *
 * @example
 * expressionIds('IF(FILL(loads, 0) > 0, loads, 0)'); // ['loads']
 */
export function expressionIds(expression: string): string[] {
  const ids = new Set<string>();
  const walk = (n: Node): void => {
    if (n.type === 'id' && n.name !== 'REPEAT' && n.name !== 'LINEAR') ids.add(n.name);
    else if (n.type === 'unary') walk(n.arg);
    else if (n.type === 'binary') {
      walk(n.left);
      walk(n.right);
    } else if (n.type === 'call') n.args.forEach(walk);
  };
  walk(parse(expression));
  return [...ids];
}
