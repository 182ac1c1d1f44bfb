/**
 * Real OTLP peers for the tests: an OTLP/HTTP receiver on a real socket (traces,
 * metrics and logs, by path) and a
 * receiver of the X-Ray daemon's OTLP datagrams (`T1S`/`T1U`), both decoding
 * with OpenTelemetry's own protobuf definitions: the protobufjs code that
 * opentelemetry-js generated from opentelemetry-proto's .proto files, as
 * shipped by @opentelemetry/otlp-transformer 0.216.0 (the devDependency
 * `otlp-proto-reference`, pinned; traces and metrics) and 0.57.2
 * (`otlp-logs-reference`, pinned: the last generated root we found with the
 * logs service), never with the encoder we send with.
 */
import { createSocket } from 'node:dgram';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Waiters } from '../../local-lambda/waiters.js';

interface Message {
  readonly [key: string]: unknown;
}
interface MessageType {
  decode(bytes: Uint8Array): Message;
  toObject(message: Message, options: Record<string, unknown>): Message;
}
interface GeneratedRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: { ExportTraceServiceRequest: MessageType; ExportTraceServiceResponse: MessageType };
        };
        metrics: { v1: { ExportMetricsServiceRequest: MessageType } };
        logs: { v1: { ExportLogsServiceRequest: MessageType } };
      };
    };
  };
}

/**
 * The generated root of a pinned otlp-transformer alias. Under the test runner's
 * `import` condition, `long` resolves to its ES module (a namespace with
 * `default`), which protobufjs takes for the class: hand it the class itself.
 */
function referenceRoot(alias: string): GeneratedRoot {
  const fromReference = createRequire(
    createRequire(import.meta.url).resolve(`${alias}/package.json`),
  );
  const protobuf = fromReference('protobufjs/minimal') as {
    util: { Long: unknown };
    configure(): void;
  };
  const long = createRequire(fromReference.resolve('protobufjs/minimal'))('long') as {
    default?: unknown;
  };
  protobuf.util.Long = long.default ?? long;
  protobuf.configure();
  return fromReference('./build/src/generated/root.js') as GeneratedRoot;
}

const generated = referenceRoot('otlp-proto-reference');
const service = generated.opentelemetry.proto.collector.trace.v1;
const metricsService = generated.opentelemetry.proto.collector.metrics.v1;
// 0.216.0's generated root has no logs: 0.57.2's (`otlp-logs-reference`) still has them.
const logsService = referenceRoot('otlp-logs-reference').opentelemetry.proto.collector.logs.v1;
const AS_OBJECT = { longs: String, bytes: String, enums: String, defaults: false } as const;

/** A value of an OTLP `AnyValue`, as plain JS. */
export type OtlpValue =
  | string
  | number
  | boolean
  | OtlpValue[]
  | { [key: string]: OtlpValue }
  | null;

/** One decoded span, flattened with its resource and scope. */
export interface OtlpSpan {
  readonly name: string;
  /** Hex, as OpenTelemetry APIs write them. */
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  /** `SPAN_KIND_SERVER`, … */
  readonly kind: string;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly attributes: Readonly<Record<string, OtlpValue>>;
  readonly events: ReadonlyArray<{ name: string; attributes: Record<string, OtlpValue> }>;
  /** `STATUS_CODE_ERROR`, … */
  readonly status: { code: string; message?: string };
  readonly flags: number | undefined;
  readonly droppedAttributesCount: number;
  readonly resource: Readonly<Record<string, OtlpValue>>;
  readonly scope: string;
}

const hex = (base64: unknown) =>
  typeof base64 === 'string' && base64 !== '' ? Buffer.from(base64, 'base64').toString('hex') : '';

function value(v: Message | undefined): OtlpValue {
  if (!v) return null;
  if ('stringValue' in v) return v.stringValue as string;
  if ('boolValue' in v) return v.boolValue as boolean;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue as number;
  if ('arrayValue' in v) {
    const values = ((v.arrayValue as Message).values ?? []) as Message[];
    return values.map(value);
  }
  if ('kvlistValue' in v) return attributes((v.kvlistValue as Message).values);
  return null;
}

function attributes(list: unknown): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  for (const kv of (list ?? []) as Message[]) out[kv.key as string] = value(kv.value as Message);
  return out;
}

/**
 * Decode an `ExportTraceServiceRequest` and flatten its spans.
 *
 * @example
 * const spans = decodeTraceRequest(body);
 */
export function decodeTraceRequest(bytes: Uint8Array): OtlpSpan[] {
  const request = service.ExportTraceServiceRequest.toObject(
    service.ExportTraceServiceRequest.decode(bytes),
    { longs: String, bytes: String, enums: String, defaults: false },
  );
  const out: OtlpSpan[] = [];
  for (const rs of (request.resourceSpans ?? []) as Message[]) {
    const resource = attributes((rs.resource as Message | undefined)?.attributes);
    for (const ss of (rs.scopeSpans ?? []) as Message[]) {
      const scope = ((ss.scope as Message | undefined)?.name as string) ?? '';
      for (const s of (ss.spans ?? []) as Message[]) {
        const status = (s.status ?? {}) as { code?: string; message?: string };
        out.push({
          name: s.name as string,
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId) || undefined,
          kind: (s.kind as string) ?? 'SPAN_KIND_UNSPECIFIED',
          startNs: BigInt(s.startTimeUnixNano as string),
          endNs: BigInt(s.endTimeUnixNano as string),
          attributes: attributes(s.attributes),
          events: ((s.events ?? []) as Message[]).map((e) => ({
            name: e.name as string,
            attributes: attributes(e.attributes),
          })),
          status: {
            code: status.code ?? 'STATUS_CODE_UNSET',
            ...(status.message ? { message: status.message } : {}),
          },
          flags: s.flags as number | undefined,
          droppedAttributesCount: (s.droppedAttributesCount as number) ?? 0,
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/** One decoded metric data point, flattened with its metric, scope and resource. */
export interface OtlpDataPoint {
  readonly name: string;
  readonly unit: string;
  /** `histogram`, `sum` or `gauge`. */
  readonly kind: string;
  /** `AGGREGATION_TEMPORALITY_DELTA`, …; undefined for a gauge. */
  readonly temporality: string | undefined;
  readonly monotonic: boolean;
  readonly attributes: Readonly<Record<string, OtlpValue>>;
  readonly startNs: bigint;
  readonly timeNs: bigint;
  /** A sum's or gauge's value. */
  readonly value: number | undefined;
  /** A histogram's count, sum, bounds and per-bucket counts. */
  readonly count: number | undefined;
  readonly sum: number | undefined;
  readonly bounds: readonly number[];
  readonly bucketCounts: readonly number[];
  readonly resource: Readonly<Record<string, OtlpValue>>;
  readonly scope: string;
}

/**
 * Decode an `ExportMetricsServiceRequest` and flatten its data points.
 *
 * @example
 * const points = decodeMetricsRequest(body);
 */
export function decodeMetricsRequest(bytes: Uint8Array): OtlpDataPoint[] {
  const T = metricsService.ExportMetricsServiceRequest;
  const request = T.toObject(T.decode(bytes), AS_OBJECT);
  const out: OtlpDataPoint[] = [];
  for (const rm of (request.resourceMetrics ?? []) as Message[]) {
    const resource = attributes((rm.resource as Message | undefined)?.attributes);
    for (const sm of (rm.scopeMetrics ?? []) as Message[]) {
      const scope = ((sm.scope as Message | undefined)?.name as string) ?? '';
      for (const m of (sm.metrics ?? []) as Message[]) {
        const kind = ['histogram', 'sum', 'gauge'].find((k) => k in m) ?? 'unknown';
        const data = (m[kind] ?? {}) as Message;
        for (const p of (data.dataPoints ?? []) as Message[]) {
          const asNumber = p.asDouble ?? (p.asInt === undefined ? undefined : Number(p.asInt));
          out.push({
            name: m.name as string,
            unit: (m.unit as string) ?? '',
            kind,
            temporality: data.aggregationTemporality as string | undefined,
            monotonic: data.isMonotonic === true,
            attributes: attributes(p.attributes),
            startNs: BigInt((p.startTimeUnixNano as string) ?? 0),
            timeNs: BigInt((p.timeUnixNano as string) ?? 0),
            value: asNumber as number | undefined,
            count: p.count === undefined ? undefined : Number(p.count),
            sum: p.sum as number | undefined,
            bounds: (p.explicitBounds ?? []) as number[],
            bucketCounts: ((p.bucketCounts ?? []) as string[]).map(Number),
            resource,
            scope,
          });
        }
      }
    }
  }
  return out;
}

/** One decoded log record, flattened with its scope and resource. */
export interface OtlpLogRecord {
  readonly severityNumber: string | undefined;
  readonly severityText: string;
  readonly body: OtlpValue;
  readonly attributes: Readonly<Record<string, OtlpValue>>;
  /** Hex. */
  readonly traceId: string;
  readonly spanId: string;
  readonly timeNs: bigint;
  readonly resource: Readonly<Record<string, OtlpValue>>;
  readonly scope: string;
}

/**
 * Decode an `ExportLogsServiceRequest` and flatten its log records.
 *
 * @example
 * const records = decodeLogsRequest(body);
 */
export function decodeLogsRequest(bytes: Uint8Array): OtlpLogRecord[] {
  const T = logsService.ExportLogsServiceRequest;
  const request = T.toObject(T.decode(bytes), AS_OBJECT);
  const out: OtlpLogRecord[] = [];
  for (const rl of (request.resourceLogs ?? []) as Message[]) {
    const resource = attributes((rl.resource as Message | undefined)?.attributes);
    for (const sl of (rl.scopeLogs ?? []) as Message[]) {
      const scope = ((sl.scope as Message | undefined)?.name as string) ?? '';
      for (const r of (sl.logRecords ?? []) as Message[]) {
        out.push({
          severityNumber: r.severityNumber as string | undefined,
          severityText: (r.severityText as string) ?? '',
          body: value(r.body as Message | undefined),
          attributes: attributes(r.attributes),
          traceId: hex(r.traceId),
          spanId: hex(r.spanId),
          timeNs: BigInt((r.timeUnixNano as string) ?? 0),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/** What the receiver got in one request. */
export interface OtlpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The bytes on the wire (gzipped when `content-encoding: gzip`). */
  readonly raw: Buffer;
  /** Decompressed. */
  readonly body: Buffer;
  /** Decoded by path: spans of `/v1/traces`, data points of `/v1/metrics`, records of `/v1/logs`. */
  readonly spans: OtlpSpan[];
  readonly points: OtlpDataPoint[];
  readonly logs: OtlpLogRecord[];
}

/** How the receiver answers a request; the default is 200 with an empty protobuf response. */
export type Answer = (request: OtlpRequest, response: ServerResponse) => void;

/** An OTLP/HTTP collector stand-in on 127.0.0.1. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: the value for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly endpoint: string;
  readonly requests: OtlpRequest[];
  /** Every span received, in arrival order. */
  spans(): OtlpSpan[];
  /** Every metric data point received, in arrival order. */
  points(): OtlpDataPoint[];
  /** Every log record received, in arrival order. */
  logs(): OtlpLogRecord[];
  /** Waits for the first log record (received or later) matching `predicate`. */
  waitForLog(
    predicate: (log: OtlpLogRecord) => boolean,
    timeoutMs?: number,
  ): Promise<OtlpLogRecord>;
  /** Waits for the first span (received or later) matching `predicate`. */
  waitForSpan(predicate: (span: OtlpSpan) => boolean, timeoutMs?: number): Promise<OtlpSpan>;
  answer: Answer;
  close(): Promise<void>;
}

const ok: Answer = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/x-protobuf' });
  response.end();
};

/**
 * Start an OTLP/HTTP receiver: every POST is decoded (gunzipped first when
 * its `content-encoding` says so) and kept; `answer` decides the response.
 *
 * @example
 * const receiver = await startOtlpReceiver();
 * // OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint …
 * const span = await receiver.waitForSpan((s) => s.name === 'inference fraud');
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const waiters = new Waiters();
  const receiver: OtlpReceiver = {
    endpoint: '',
    requests,
    spans: () => requests.flatMap((r) => r.spans),
    points: () => requests.flatMap((r) => r.points),
    logs: () => requests.flatMap((r) => r.logs),
    waitForSpan: (predicate, timeoutMs = 5_000) =>
      waiters.until(
        () => receiver.spans().find(predicate),
        timeoutMs,
        `no matching OTLP span within ${timeoutMs} ms`,
      ),
    waitForLog: (predicate, timeoutMs = 5_000) =>
      waiters.until(
        () => receiver.logs().find(predicate),
        timeoutMs,
        `no matching OTLP log record within ${timeoutMs} ms`,
      ),
    answer: ok,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const path = req.url ?? '';
      const request: OtlpRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        raw,
        body,
        spans:
          path.endsWith('/v1/metrics') || path.endsWith('/v1/logs') ? [] : decodeTraceRequest(body),
        points: path.endsWith('/v1/metrics') ? decodeMetricsRequest(body) : [],
        logs: path.endsWith('/v1/logs') ? decodeLogsRequest(body) : [],
      };
      requests.push(request);
      waiters.wake();
      receiver.answer(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  (receiver as { endpoint: string }).endpoint = `http://127.0.0.1:${port}`;
  return receiver;
}

/** One datagram of the daemon's OTLP framing, as received. */
export interface OtlpDatagram {
  readonly bytes: number;
  readonly header: string;
  /** `T1S` (sampled) or `T1U` (unsampled). */
  readonly prefix: string;
  readonly spans: OtlpSpan[];
}

/** A UDP socket standing in for the daemon's OTLP listener. */
export interface OtlpUdpReceiver {
  /** `127.0.0.1:<port>`: the value for `AWS_XRAY_DAEMON_ADDRESS`. */
  readonly address: string;
  readonly datagrams: OtlpDatagram[];
  /** Datagrams that were not `header\nT1S|T1U<base64 OTLP>`, and why. */
  readonly rejected: string[];
  spans(): OtlpSpan[];
  waitForSpan(predicate: (span: OtlpSpan) => boolean, timeoutMs?: number): Promise<OtlpSpan>;
  close(): Promise<void>;
}

/**
 * Bind a UDP socket on 127.0.0.1 and decode the daemon's OTLP datagrams: the
 * header line must parse as the daemon's JSON header, then `T1S` or `T1U`,
 * then base64 of an `ExportTraceServiceRequest`.
 *
 * @example
 * const udp = await startOtlpUdpReceiver(); // AWS_XRAY_DAEMON_ADDRESS=udp.address
 */
export async function startOtlpUdpReceiver(): Promise<OtlpUdpReceiver> {
  const socket = createSocket('udp4');
  const datagrams: OtlpDatagram[] = [];
  const rejected: string[] = [];
  const waiters = new Waiters();
  socket.on('message', (message) => {
    const text = message.toString('latin1');
    const newline = text.indexOf('\n');
    const header = text.slice(0, newline);
    const prefix = text.slice(newline + 1, newline + 4);
    const base64 = text.slice(newline + 4);
    let parsed: unknown;
    try {
      parsed = JSON.parse(header);
    } catch {
      parsed = undefined;
    }
    const { format, version } = (parsed ?? {}) as { format?: unknown; version?: unknown };
    if (newline < 0 || format !== 'json' || version !== 1) {
      rejected.push(`bad header: ${header.slice(0, 80)}`);
    } else if (prefix !== 'T1S' && prefix !== 'T1U') {
      rejected.push(`bad prefix: ${prefix}`);
    } else if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
      rejected.push('payload is not base64');
    } else {
      datagrams.push({
        bytes: message.length,
        header,
        prefix,
        spans: decodeTraceRequest(Buffer.from(base64, 'base64')),
      });
      waiters.wake();
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const spans = () => datagrams.flatMap((d) => d.spans);
  return {
    address: `127.0.0.1:${socket.address().port}`,
    datagrams,
    rejected,
    spans,
    waitForSpan: (predicate, timeoutMs = 5_000) =>
      waiters.until(
        () => spans().find(predicate),
        timeoutMs,
        `no matching OTLP span within ${timeoutMs} ms`,
      ),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
