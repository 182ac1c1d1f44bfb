import { fieldValue, LogQueryError, type LogRecord, order } from './logFields.js';

/** The `filter` expressions of the Logs Insights subset (see `logQuery.ts`). */

export type Expr =
  | { readonly type: 'field'; readonly name: string }
  | { readonly type: 'literal'; readonly value: unknown }
  | { readonly type: 'regex'; readonly re: RegExp }
  | { readonly type: 'list'; readonly items: readonly Expr[] }
  | { readonly type: 'not'; readonly arg: Expr }
  | { readonly type: 'logic'; readonly op: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly type: 'compare'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Expr[] };

type Token = {
  readonly kind: 'string' | 'regex' | 'number' | 'word' | 'op';
  readonly text: string;
};

const TOKEN =
  /\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(\/(?:[^/\\]|\\.)+\/[a-z]*)|(-?\d+(?:\.\d+)?)|(`[^`]+`|[@A-Za-z_][\w.@]*)|(=~|!=|<=|>=|[=<>(),[\]*]))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (!/^\s*$/.test(text.slice(TOKEN.lastIndex))) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new LogQueryError(`cannot read ${JSON.stringify(text.slice(at).trim())}`);
    const [, str, regex, num, word, op] = m;
    if (str !== undefined) tokens.push({ kind: 'string', text: str });
    else if (regex !== undefined) tokens.push({ kind: 'regex', text: regex });
    else if (num !== undefined) tokens.push({ kind: 'number', text: num });
    else if (word !== undefined) tokens.push({ kind: 'word', text: word.replace(/`/g, '') });
    else tokens.push({ kind: 'op', text: op! });
  }
  return tokens;
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

function toRegex(token: string): RegExp {
  const end = token.lastIndexOf('/');
  return new RegExp(token.slice(1, end), token.slice(end + 1).replace(/[^imsu]/g, ''));
}

/** Recursive descent over one `filter` expression. */
export function parseFilter(text: string): Expr {
  const tokens = tokenize(text);
  let i = 0;
  const isWord = (w: string) => tokens[i]?.kind === 'word' && tokens[i]?.text.toLowerCase() === w;
  const isOp = (o: string) => tokens[i]?.kind === 'op' && tokens[i]?.text === o;
  const fail = (what: string): never => {
    throw new LogQueryError(`${what} in filter ${JSON.stringify(text)}`);
  };
  const operand = (): Expr => {
    const t = tokens[i++] ?? fail('unexpected end');
    if (t.kind === 'string') return { type: 'literal', value: unquote(t.text) };
    if (t.kind === 'number') return { type: 'literal', value: Number(t.text) };
    if (t.kind === 'regex') return { type: 'regex', re: toRegex(t.text) };
    if (t.kind === 'op' && t.text === '(') {
      const inner = or();
      if (!isOp(')')) fail('missing )');
      i++;
      return inner;
    }
    if (t.kind === 'op' && t.text === '[') {
      const items: Expr[] = [];
      while (!isOp(']')) {
        items.push(operand());
        if (isOp(',')) i++;
        else if (!isOp(']')) fail('expected , or ]');
      }
      i++;
      return { type: 'list', items };
    }
    if (t.kind !== 'word') return fail(`unexpected ${JSON.stringify(t.text)}`);
    if (/^(true|false)$/i.test(t.text))
      return { type: 'literal', value: t.text.toLowerCase() === 'true' };
    if (!isOp('(')) return { type: 'field', name: t.text };
    i++;
    const args: Expr[] = [];
    while (!isOp(')')) {
      args.push(operand());
      if (isOp(',')) i++;
      else if (!isOp(')')) fail('expected , or )');
    }
    i++;
    const name = t.text.toLowerCase();
    if (name !== 'ispresent' && name !== 'isempty')
      fail(`function ${t.text}() is not supported by the preview`);
    return { type: 'call', name, args };
  };
  const comparison = (): Expr => {
    if (isWord('not')) {
      i++;
      return { type: 'not', arg: comparison() };
    }
    const left = operand();
    let negate = false;
    if (isWord('not') && ['like', 'in'].includes(tokens[i + 1]?.text.toLowerCase() ?? '')) {
      negate = true;
      i++;
    }
    const t = tokens[i];
    const op = t?.kind === 'op' ? t.text : t?.kind === 'word' ? t.text.toLowerCase() : undefined;
    if (op === undefined || !['=', '!=', '<', '>', '<=', '>=', '=~', 'like', 'in'].includes(op))
      return left;
    i++;
    const expr: Expr = { type: 'compare', op, left, right: operand() };
    return negate ? { type: 'not', arg: expr } : expr;
  };
  const and = (): Expr => {
    let left = comparison();
    while (isWord('and')) {
      i++;
      left = { type: 'logic', op: 'and', left, right: comparison() };
    }
    return left;
  };
  const or = (): Expr => {
    let left = and();
    while (isWord('or')) {
      i++;
      left = { type: 'logic', op: 'or', left, right: and() };
    }
    return left;
  };
  const tree = or();
  if (i < tokens.length) fail(`unexpected ${JSON.stringify(tokens[i]?.text)}`);
  return tree;
}

export function evalExpr(e: Expr, r: LogRecord): unknown {
  switch (e.type) {
    case 'field':
      return fieldValue(r, e.name);
    case 'literal':
      return e.value;
    case 'regex':
      return e.re;
    case 'list':
      return e.items.map((x) => evalExpr(x, r));
    case 'not':
      return !truthy(evalExpr(e.arg, r));
    case 'logic':
      return e.op === 'and'
        ? truthy(evalExpr(e.left, r)) && truthy(evalExpr(e.right, r))
        : truthy(evalExpr(e.left, r)) || truthy(evalExpr(e.right, r));
    case 'call': {
      const v = e.args[0] ? evalExpr(e.args[0], r) : undefined;
      return e.name === 'ispresent'
        ? v !== undefined && v !== null
        : v === undefined || v === null || v === '';
    }
    case 'compare':
      return compare(e.op, evalExpr(e.left, r), evalExpr(e.right, r));
  }
}

export function truthy(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false && v !== 0 && v !== '';
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return false;
  if (op === 'like' || op === '=~') {
    const text = typeof a === 'string' ? a : JSON.stringify(a);
    return b instanceof RegExp ? b.test(text) : text.includes(String(b));
  }
  if (op === 'in') return Array.isArray(b) && b.some((x) => compare('=', a, x));
  const c = order(a, b);
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    default:
      return c >= 0;
  }
}
