// A stand-in for Lambda's Extensions API, in a process of its own, for a
// contender that registers an internal extension at init (observed-inference's
// writeAfterResponse()). The bench harness (bench/harness/spawnRun.ts) starts
// it before the measured process and gives that process its two ports: the
// API's, as AWS_LAMBDA_RUNTIME_API, and a control port the runner
// (bench/child/runner.mjs) connects to. In Lambda that server is the
// platform's, in another process: here too, so neither its memory, nor its
// CPU, nor what its listen and its HTTP parser load count against the
// contender (in the runner's own process, they had added about 2 MB of RSS).
//
// As Lambda does, it accepts one registration for INVOKE events during init
// (`POST /register`: 200 and a `Lambda-Extension-Identifier`), and refuses with
// 403 a second one, a subscription to SHUTDOWN (internal extensions cannot
// have it) and any registration once the first invocation has started. It
// holds each `GET /event/next` poll and answers it with the INVOKE event of the
// runner's next invocation.
//
// The control protocol, one line each way per message:
//   runner → stand-in  `init-done`       the first invocation starts: registration closes
//   stand-in → runner  `registered 0|1`  whether an extension registered for INVOKE events
//   runner → stand-in  `next <json>`     the next INVOKE event: answer the held poll with it
//   stand-in → runner  `poll <hrtime>`   a poll arrived after an invocation (its time, ns)
//   runner → stand-in  `ping`            (bare-woken) answer at once:
//   stand-in → runner  `pong`            the runner sleeps until then, as for a poll
// process.hrtime is CLOCK_MONOTONIC, shared with the runner: it subtracts its
// handler's return from the poll's arrival to get the work after the response.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';

const EXTENSION_API = '/2020-01-01/extension';
const env = process.env;
const nonce = Math.floor(Math.random() * 0xffffffff)
  .toString(16)
  .padStart(8, '0');
const hex = (n, width) => n.toString(16).padStart(width, '0');

const state = {
  /** The extension's identifier once registered. */
  id: undefined,
  /** Whether it registered for INVOKE events (then every invocation waits for its poll). */
  invoke: false,
  /** Set when the first invocation starts: Lambda refuses registrations after init. */
  initDone: false,
  /** The poll held, with the hrtime of its arrival. */
  poll: undefined,
  /** The runner's next INVOKE event (its body), waiting for a poll. */
  next: undefined,
  events: 0,
  /** The runner's control connection. */
  control: undefined,
};

const fail = (message) => process.stderr.write(`bench Extensions API stand-in: ${message}\n`);
const refuse = (res, status, errorType, errorMessage) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ errorType, errorMessage }));
};

/** Answer the held poll with the runner's next event, once both are there. */
function answer() {
  if (!state.poll || state.next === undefined) return;
  const { res } = state.poll;
  const body = state.next;
  state.poll = undefined;
  state.next = undefined;
  state.events++;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Lambda-Extension-Event-Identifier': `${nonce}-evnt-4000-8000-${hex(state.events, 12)}`,
  });
  res.end(body);
}

function register(req, res, body) {
  const name = req.headers['lambda-extension-name'];
  let events;
  try {
    events = JSON.parse(body).events;
  } catch {}
  if (
    typeof name !== 'string' ||
    name === '' ||
    !Array.isArray(events) ||
    events.some((e) => e !== 'INVOKE' && e !== 'SHUTDOWN')
  ) {
    fail(`malformed registration: ${body}`);
    return refuse(res, 400, 'InvalidRequest', 'malformed registration');
  }
  if (state.initDone || state.id !== undefined || events.includes('SHUTDOWN')) {
    // What Lambda answers; the library then writes before the response, so not an error here.
    const why = state.initDone
      ? 'registration after init'
      : state.id !== undefined
        ? 'a second registration'
        : 'internal extensions cannot subscribe to SHUTDOWN';
    return refuse(res, 403, 'Extension.Forbidden', why);
  }
  state.id = `${nonce}-ext0-4000-8000-${hex(1, 12)}`;
  // An extension may register for no events; it then never waits for an invocation.
  state.invoke = events.includes('INVOKE');
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Lambda-Extension-Identifier': state.id,
  });
  res.end(
    JSON.stringify({
      functionName: env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      handler: env._HANDLER,
    }),
  );
}

const api = createHttpServer((req, res) => {
  const at = process.hrtime.bigint();
  const path = req.url;
  if (req.method === 'GET' && path === `${EXTENSION_API}/event/next`) {
    if (state.id === undefined || req.headers['lambda-extension-identifier'] !== state.id) {
      fail('a poll without the registered identifier');
      return refuse(res, 403, 'Extension.Forbidden', 'unknown extension identifier');
    }
    if (state.poll) {
      fail('a second poll while one is held');
      return refuse(res, 400, 'InvalidRequest', 'a poll is already held');
    }
    state.poll = { res, at };
    // The poll that ends init is no invocation's: only those after an event are timed.
    if (state.events > 0) state.control?.write(`poll ${at}\n`);
    answer();
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    if (req.method === 'POST' && path === `${EXTENSION_API}/register`) {
      return register(req, res, body);
    }
    if (
      req.method === 'POST' &&
      (path === `${EXTENSION_API}/init/error` || path === `${EXTENSION_API}/exit/error`)
    ) {
      fail(`${path.slice(EXTENSION_API.length + 1)}: ${body.slice(0, 500)}`);
      res.writeHead(202, { 'Content-Type': 'application/json' });
      return res.end('{"status":"OK"}');
    }
    fail(`unexpected ${req.method} ${path}`);
    return refuse(res, 404, 'NotFound', `${req.method} ${path}`);
  });
});
// Polls are held between invocations and sockets kept alive across them.
api.keepAliveTimeout = 0;
api.requestTimeout = 0;

const control = createTcpServer((socket) => {
  if (state.control) {
    fail('a second control connection');
    socket.destroy();
    return;
  }
  state.control = socket;
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  let buffered = '';
  socket.on('data', (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line === 'init-done') {
        state.initDone = true;
        socket.write(`registered ${state.invoke ? 1 : 0}\n`);
      } else if (line === 'ping') {
        socket.write('pong\n');
      } else if (line.startsWith('next ')) {
        state.next = line.slice(5);
        answer();
      } else fail(`unknown control message: ${line.slice(0, 100)}`);
    }
  });
  // The runner is done: so is the stand-in.
  socket.on('close', () => process.exit(0));
});

const listen = (server) =>
  new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolveListen(server.address().port));
  });
const [apiPort, controlPort] = await Promise.all([listen(api), listen(control)]);
process.stdout.write(`${apiPort} ${controlPort}\n`);
