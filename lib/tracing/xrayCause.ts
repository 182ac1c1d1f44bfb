import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import { MAX_EXCEPTIONS, MAX_STACK_FRAMES } from '../telemetry.js';

/** One stack frame as X-Ray shows it. */
export interface XRayStackFrame {
  path: string;
  line?: number;
  label?: string;
}

/** One exception of a segment's `cause`. */
export interface XRayException {
  id: string;
  type?: string;
  message?: string;
  stack?: XRayStackFrame[];
  /** Frames left out of `stack`. */
  truncated?: number;
}

/** The `cause` object of a segment document. */
export interface XRayCause {
  working_directory: string;
  exceptions: XRayException[];
}

/** OpenTelemetry's event name for `span.recordException()`. */
export const EXCEPTION_EVENT = 'exception';
/*
 * Stable semantic-convention names, spelled here rather than imported: loading
 * @opentelemetry/semantic-conventions unbundled costs milliseconds of cold
 * start for three strings that will not change.
 */
const ATTR_EXCEPTION_TYPE = 'exception.type';
const ATTR_EXCEPTION_MESSAGE = 'exception.message';
const ATTR_EXCEPTION_STACKTRACE = 'exception.stacktrace';

export { MAX_EXCEPTIONS, MAX_STACK_FRAMES } from '../telemetry.js';

/** Longer "at …" lines are cut before parsing: no frame location is this long. */
const MAX_FRAME_LINE = 2000;
const FRAME_PREFIX = 'at ';
/** `:line` or `:line:column` at the end of a frame location. */
const LINE_COLUMN = /:(\d+)(?::\d+)?$/;

let workingDirectory: string | undefined;

function cwd(): string {
  if (workingDirectory === undefined) {
    try {
      workingDirectory = process.cwd();
    } catch {
      // The directory can be deleted under a running process; the cause is still worth sending.
      workingDirectory = '';
    }
  }
  return workingDirectory;
}

function location(text: string, label: string | undefined): XRayStackFrame {
  const match = LINE_COLUMN.exec(text);
  const frame: XRayStackFrame = { path: match ? text.slice(0, match.index) : text };
  if (match) frame.line = Number(match[1]);
  if (label !== undefined) frame.label = label;
  return frame;
}

/** One V8 frame line: `at label (path:line:col)` or `at path:line:col`; other lines give undefined. */
function parseFrame(line: string): XRayStackFrame | undefined {
  const text = (line.length > MAX_FRAME_LINE ? line.slice(0, MAX_FRAME_LINE) : line).trim();
  if (!text.startsWith(FRAME_PREFIX)) return undefined;
  const body = text.slice(FRAME_PREFIX.length);
  const open = body.indexOf(' (');
  if (open > 0 && body.endsWith(')'))
    return location(body.slice(open + 2, -1), body.slice(0, open));
  return location(body, undefined);
}

/**
 * Parse a V8 `error.stack` into X-Ray stack frames, keeping at most
 * {@link MAX_STACK_FRAMES}; `truncated` counts the frames left out.
 *
 * @example
 * const { frames } = parseV8Stack(new Error('boom').stack ?? '');
 * console.log(frames[0]); // { path: '/var/task/index.js', line: 3, label: 'predict' }
 */
export function parseV8Stack(stack: string): { frames: XRayStackFrame[]; truncated: number } {
  const frames: XRayStackFrame[] = [];
  let truncated = 0;
  for (const line of stack.split('\n')) {
    const frame = parseFrame(line);
    if (frame === undefined) continue;
    if (frames.length < MAX_STACK_FRAMES) frames.push(frame);
    else truncated++;
  }
  return { frames, truncated };
}

/** 16 random hex digits. Math.random is enough for an id (as OpenTelemetry's own ids), and spares node:crypto at init. */
function exceptionId(): string {
  let id = '';
  for (let i = 0; i < 2; i++)
    id += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return id;
}

function exceptionOf(event: TimedEvent): XRayException {
  const attributes = event.attributes ?? {};
  const entry: XRayException = { id: exceptionId() };
  const type = attributes[ATTR_EXCEPTION_TYPE];
  if (typeof type === 'string') entry.type = type;
  const message = attributes[ATTR_EXCEPTION_MESSAGE];
  if (typeof message === 'string') entry.message = message;
  const stack = attributes[ATTR_EXCEPTION_STACKTRACE];
  if (typeof stack === 'string') {
    const { frames, truncated } = parseV8Stack(stack);
    entry.stack = frames;
    if (truncated > 0) entry.truncated = truncated;
  }
  return entry;
}

/**
 * The X-Ray `cause` of a span: one exception per recorded `exception` event
 * (at most {@link MAX_EXCEPTIONS}), or, when none was recorded, the ERROR
 * status message so the console still says what failed.
 *
 * @example
 * const cause = causeOf(span.events.filter((e) => e.name === EXCEPTION_EVENT), span.status.message);
 */
export function causeOf(
  exceptionEvents: readonly TimedEvent[],
  statusMessage: string | undefined,
): XRayCause | undefined {
  if (exceptionEvents.length > 0) {
    const exceptions = exceptionEvents.slice(0, MAX_EXCEPTIONS).map(exceptionOf);
    return { working_directory: cwd(), exceptions };
  }
  if (statusMessage) {
    return {
      working_directory: cwd(),
      exceptions: [{ id: exceptionId(), message: statusMessage }],
    };
  }
  return undefined;
}
