// The measured process: it stands where Lambda's runtime client (aws-lambda-ric)
// stands. Plain ESM with only node: imports, run without any TypeScript loader,
// so nothing but the contender's own code adds to its import time.
//
// Like the runtime client it loads the handler named by _HANDLER (relative to
// LAMBDA_TASK_ROOT, or absolute as the zero-code wrappers set it), then invokes it
// with an API Gateway proxy event and a Lambda context, setting _X_AMZN_TRACE_ID
// per invocation as the runtime client does. Unlike it, it calls the handler in a
// loop instead of polling the Runtime API over HTTP, which would add its own
// noise to every invocation; between invocations it yields to the event loop
// (setImmediate), as a poll would. Timestamps are process.hrtime (CLOCK_MONOTONIC,
// shared with the parent, so the parent can subtract its spawn time).
//
// With OI_BENCH_EXTENSIONS_API (contenders with `extensionsApi`) it also
// drives the harness's stand-in for Lambda's Extensions API, which runs in a
// process of its own, for a function that registers an internal extension
// (see connectExtensionsApi below).
import 'node:async_hooks';
import { existsSync, writeFileSync } from 'node:fs';
// What the runtime client has loaded before any handler: aws-lambda-ric 4.0.2's
// index.mjs requires these at its top level (the Runtime API's HTTP client, its
// logging), so in Lambda a handler that also uses them (dgram's bind loads net
// through cluster and child_process; the X-Ray SDK loads http) does not pay for
// them. Loaded here, they count for the bare handler as they do in Lambda.
import 'node:http';
import { connect } from 'node:net';
import 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import 'node:util';
import 'node:worker_threads';

const mainAt = process.hrtime.bigint();

const settings = {
  out: process.env.OI_BENCH_OUT,
  warm: Number(process.env.OI_BENCH_WARM ?? '0'),
  heapAt: new Set(
    (process.env.OI_BENCH_HEAP_AT ?? '')
      .split(',')
      .filter(Boolean)
      .map((n) => Number(n)),
  ),
  // The scenario (bench/harness/scenarios.ts).
  features: Number(process.env.OI_BENCH_FEATURES ?? '16'),
  traceInContext: process.env.OI_BENCH_TRACE_IN_CONTEXT !== '0',
  sampled: Number(process.env.OI_BENCH_SAMPLED ?? '1'),
  // The Extensions API stand-in's address and control port (contenders with `extensionsApi`).
  extensionsApi: process.env.OI_BENCH_EXTENSIONS_API,
  extensionsControl: Number(process.env.OI_BENCH_EXTENSIONS_CONTROL ?? '0'),
  // Sleep until the stand-in answers before each invocation (bare-woken).
  wake: process.env.OI_BENCH_WAKE === '1',
};
for (const key of Object.keys(process.env)) {
  if (key.startsWith('OI_BENCH_')) delete process.env[key];
}
if (!settings.out) throw new Error('OI_BENCH_OUT is not set');

/** The hrtime (ns) of performance's time origin, to place Node's own milestones. */
function hrOrigin() {
  const hr = process.hrtime.bigint();
  return hr - BigInt(Math.round(performance.now() * 1e6));
}

/** `file.export` → the module file and export name, the way the runtime client finds them. */
async function loadHandler(spec, taskRoot) {
  const slash = spec.lastIndexOf('/');
  const base = spec.slice(slash + 1);
  const dot = base.indexOf('.');
  const modulePath = resolve(taskRoot, spec.slice(0, slash + 1) + base.slice(0, dot));
  const exportName = base.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => modulePath + ext).find((f) => existsSync(f));
  if (!file) throw new Error(`handler module ${modulePath}.{js,mjs,cjs} not found`);
  const module = await import(pathToFileURL(file).href);
  const handler = module[exportName] ?? module.default?.[exportName];
  if (typeof handler !== 'function') throw new Error(`${file} does not export ${exportName}`);
  return handler;
}

/** An extension that registered and stops polling fails the run rather than hanging it. */
const POLL_TIMEOUT_MS = 10_000;

/**
 * The runner's side of the Extensions API stand-in (bench/child/extensionsApi.mjs),
 * which the harness starts in a process of its own before this one, for a
 * function that registers an internal extension at init (observed-inference's
 * writeAfterResponse()): Lambda's server is the platform's, not the
 * function's, so its memory, CPU and loaded modules are not measured here.
 * This process holds one control connection to it (node:net, loaded above for
 * every contender) and sends or reads one short line per message.
 *
 * Before each invocation the runner waits, untimed, until the extension has
 * polled (Lambda hands out no invocation before), sends the stand-in this
 * invocation's INVOKE event for that poll, and starts its timer and calls the
 * handler without waiting for the event's delivery. The time from the handler's return to the
 * extension's next poll (the stand-in's clock, CLOCK_MONOTONIC as this one's)
 * is the work the extension does after the response, which Lambda bills
 * (PostRuntimeExtensionsDuration) and which holds back the next invocation.
 * What the runner does for it (a read and a write on the control connection
 * per invocation) counts in the contender's warm CPU.
 */
async function connectExtensionsApi(controlPort) {
  const socket = connect(controlPort, '127.0.0.1');
  await new Promise((resolveConnect, rejectConnect) => {
    socket.once('connect', resolveConnect);
    socket.once('error', rejectConnect);
  });
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  const lines = [];
  let waiter;
  let buffered = '';
  socket.on('data', (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
      lines.push(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
    }
    if (lines.length > 0) waiter?.();
  });
  /** The stand-in's next line, which must start with `kind`. */
  const read = (kind) =>
    new Promise((resolveLine, rejectLine) => {
      const take = () => {
        const line = lines.shift();
        waiter = undefined;
        clearTimeout(timer);
        if (line.split(' ', 1)[0] === kind) resolveLine(line.slice(kind.length + 1));
        else rejectLine(new Error(`Extensions API stand-in: expected ${kind}, got '${line}'`));
      };
      const timer = setTimeout(() => {
        waiter = undefined;
        rejectLine(
          new Error(`the Extensions API stand-in sent no '${kind}' within ${POLL_TIMEOUT_MS} ms`),
        );
      }, POLL_TIMEOUT_MS);
      if (lines.length > 0) take();
      else waiter = take;
    });
  let registered;
  let earlyPolls = 0;
  /** Sleep until the stand-in answers a message: the wakeup a poll brings, without an extension. */
  const wake = async () => {
    socket.write('ping\n');
    await read('pong');
  };
  return {
    /** Whether an extension registered for INVOKE events (known once the first invocation has started). */
    get registered() {
      return registered ?? false;
    },
    get earlyPolls() {
      return earlyPolls;
    },
    /** Before an invocation: end init (the first time), then send its INVOKE event to the extension. */
    async invoke(context) {
      if (registered === undefined) {
        // Both a contender with an extension and bare-woken sleep here before the first.
        socket.write('init-done\n');
        registered = (await read('registered')) === '1';
      } else if (!registered && settings.wake) {
        // bare-woken: the sleep an extension's poll brings before the others.
        await wake();
      }
      if (!registered) return;
      const event = JSON.stringify({
        eventType: 'INVOKE',
        deadlineMs: Date.now() + context.getRemainingTimeInMillis(),
        requestId: context.awsRequestId,
        invokedFunctionArn: context.invokedFunctionArn,
        tracing: { type: 'X-Amzn-Trace-Id', value: env._X_AMZN_TRACE_ID },
      });
      // Not waited for: Lambda sends the event to extensions and the runtime
      // alike, in no set order, and a wait here would put a sleep and a wakeup
      // before each timed invocation that no other contender has.
      socket.write(`next ${event}\n`);
    },
    /** After an invocation that returned at `returnedAt`: the ns until the extension polled again. */
    async postResponseNs(returnedAt) {
      const at = BigInt(await read('poll'));
      if (at < returnedAt) {
        earlyPolls++;
        return 0;
      }
      return Number(at - returnedAt);
    },
  };
}

const EVENTS = 64;
/** The p50 over a fresh process's first invocations: what a JIT still warming up costs. */
const JIT_COLD_INVOCATIONS = 2000;

function makeEvent(i) {
  const features = [];
  for (let k = 0; k < settings.features; k++)
    features.push(Math.round(Math.sin(i * 31 + k * 7) * 1000) / 1000);
  return {
    resource: '/predict',
    path: '/predict',
    httpMethod: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Host: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
      'User-Agent': 'bench',
    },
    queryStringParameters: null,
    pathParameters: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdef1234',
      httpMethod: 'POST',
      path: '/prod/predict',
      stage: 'prod',
      requestId: `api-request-${i}`,
      resourcePath: '/predict',
      identity: { sourceIp: '203.0.113.7' },
    },
    body: JSON.stringify({ features }),
    isBase64Encoded: false,
  };
}

const env = process.env;
const functionArn = `arn:aws:lambda:${env.AWS_REGION}:123456789012:function:${env.AWS_LAMBDA_FUNCTION_NAME}`;
const nonce = Math.floor(Math.random() * 0xffffffff)
  .toString(16)
  .padStart(8, '0');
const hex = (n, width) => n.toString(16).padStart(width, '0');

/** Whether invocation `n` is sampled: `settings.sampled` of them, spread evenly. */
const isSampled = (n) =>
  Math.floor(n * settings.sampled) !== Math.floor((n - 1) * settings.sampled);

/** What the runtime client does before each call: a request id, the trace header, a context. */
function nextInvocation(n) {
  const requestId = `${nonce}-0000-4000-8000-${hex(n, 12)}`;
  const epoch = hex(Math.floor(Date.now() / 1000), 8);
  const sampled = isSampled(n) ? 1 : 0;
  const traceHeader = `Root=1-${epoch}-${nonce}${hex(n, 16)};Parent=${hex(n + 1, 16)};Sampled=${sampled}`;
  env._X_AMZN_TRACE_ID = traceHeader;
  const deadline = Date.now() + 30_000;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: functionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    // The Node runtime client sets it only under Lambda Managed Instances.
    xRayTraceId: settings.traceInContext ? traceHeader : undefined,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  return context;
}

function check(result) {
  const body = result && result.statusCode === 200 ? JSON.parse(result.body) : undefined;
  if (!body || typeof body.label !== 'string' || typeof body.confidence !== 'number') {
    throw new Error(`unexpected handler result: ${JSON.stringify(result)}`);
  }
  return body;
}

const percentile = (sorted, q) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function gcAndMeasure(atInvocation) {
  const cpu = process.cpuUsage();
  globalThis.gc?.();
  globalThis.gc?.();
  const spent = process.cpuUsage(cpu);
  const memory = process.memoryUsage();
  return {
    sample: { at: atInvocation, heapUsed: memory.heapUsed, rss: memory.rss },
    cpuUs: spent.user + spent.system,
  };
}

async function main() {
  // Before the handler is loaded: the function registers its extension at init.
  // Connecting to the stand-in is the harness's, not the function's: the parent
  // takes it out of the cold start.
  const apiStart = process.hrtime.bigint();
  const api =
    settings.extensionsApi || settings.wake
      ? await connectExtensionsApi(settings.extensionsControl)
      : undefined;
  const apiStartNs = Number(process.hrtime.bigint() - apiStart);
  if (settings.extensionsApi) env.AWS_LAMBDA_RUNTIME_API = settings.extensionsApi;
  const handler = await loadHandler(env._HANDLER, env.LAMBDA_TASK_ROOT ?? process.cwd());
  const readyAt = process.hrtime.bigint();
  const origin = hrOrigin();
  const init = { rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed };
  const events = Array.from({ length: EVENTS }, (_, i) => makeEvent(i));

  const firstContext = nextInvocation(1);
  if (api) await api.invoke(firstContext);
  const firstStart = process.hrtime.bigint();
  const firstResult = await handler(events[0], firstContext);
  const firstEnd = process.hrtime.bigint();
  const firstNs = Number(firstEnd - firstStart);
  // What the first invocation left resident: work done at init instead (priming) shows here too.
  const afterFirst = { rss: process.memoryUsage.rss() };
  const sample = check(firstResult);
  // Its work after the response ends before the warm loop's CPU is counted.
  const extension = api?.registered ?? false;
  const firstPostResponseNs = extension ? await api.postResponseNs(firstEnd) : undefined;

  const n = settings.warm;
  const durations = new Float64Array(n);
  // Per warm invocation with an extension; NaN where a heap sample's GC came in between.
  const postResponse = extension ? new Float64Array(n) : undefined;
  let returnedAt = 0n;
  const heap = [];
  let gcCpuUs = 0;
  const cpuStart = process.cpuUsage();
  const loopStart = process.hrtime.bigint();
  let last;
  for (let i = 0; i < n; i++) {
    await new Promise(setImmediate);
    // The previous invocation's work after its response ends with the extension's
    // poll; only then does Lambda hand out this one (and set its _X_AMZN_TRACE_ID).
    if (extension && i > 0) {
      const ns = await api.postResponseNs(returnedAt);
      if (!Number.isNaN(postResponse[i - 1])) postResponse[i - 1] = ns;
    }
    const event = events[(i + 1) % EVENTS];
    const context = nextInvocation(i + 2);
    if (api) await api.invoke(context);
    const t0 = process.hrtime.bigint();
    last = await handler(event, context);
    returnedAt = process.hrtime.bigint();
    durations[i] = Number(returnedAt - t0);
    if (settings.heapAt.has(i + 2)) {
      const measured = gcAndMeasure(i + 2);
      heap.push(measured.sample);
      gcCpuUs += measured.cpuUs;
      if (postResponse) postResponse[i] = Number.NaN;
    }
  }
  // The last invocation's work after its response, inside the loop's time and CPU like the others'.
  if (extension && n > 0) {
    const ns = await api.postResponseNs(returnedAt);
    if (!Number.isNaN(postResponse[n - 1])) postResponse[n - 1] = ns;
  }
  const loopEnd = process.hrtime.bigint();
  const loopNs = Number(loopEnd - loopStart);
  const cpu = process.cpuUsage(cpuStart);
  if (n > 0) check(last);
  const sorted = Float64Array.from(durations).sort();
  const jitCold = durations.slice(0, Math.min(n, JIT_COLD_INVOCATIONS)).sort();
  let sum = 0;
  for (const d of durations) sum += d;
  const post = postResponse?.filter((ns) => !Number.isNaN(ns)).sort();
  let postSum = 0;
  for (const ns of post ?? []) postSum += ns;

  const timing = performance.nodeTiming;
  const result = {
    hr: {
      origin: String(origin),
      bootstrapComplete: String(origin + BigInt(Math.round(timing.bootstrapComplete * 1e6))),
      main: String(mainAt),
      ready: String(readyAt),
      firstStart: String(firstStart),
      loopStart: String(loopStart),
      loopEnd: String(loopEnd),
    },
    init,
    firstNs,
    afterFirst,
    sample,
    warm: {
      n,
      loopNs,
      p50Ns: percentile(sorted, 0.5),
      p90Ns: percentile(sorted, 0.9),
      p99Ns: percentile(sorted, 0.99),
      p999Ns: percentile(sorted, 0.999),
      maxNs: n > 0 ? sorted[n - 1] : 0,
      jitColdP50Ns: percentile(jitCold, 0.5),
      meanNs: n > 0 ? sum / n : 0,
      cpuUs: cpu.user + cpu.system - gcCpuUs,
    },
    heap,
    end: { rss: process.memoryUsage.rss() },
  };
  if (api) result.extensionsApiStartNs = apiStartNs;
  if (api && settings.extensionsApi) {
    result.extension = extension;
    if (post) {
      result.firstPostResponseNs = firstPostResponseNs;
      result.postResponse = {
        n: post.length,
        p50Ns: percentile(post, 0.5),
        p99Ns: percentile(post, 0.99),
        meanNs: post.length > 0 ? postSum / post.length : 0,
        // Polls that came before the handler had returned (counted as 0).
        earlyPolls: api.earlyPolls,
      };
    }
  }
  writeFileSync(settings.out, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench runner: ${error?.stack ?? error}\n`);
    process.exit(70);
  },
);
