/*
 * The OTLP exporters' code as one module, loaded by `traceExporter.ts` only
 * when an OTLP mode is chosen. The layer builds it into a file of its own
 * (`otlp.cjs`): compiling it (the OTLP serializer, the SigV4 signer) cost the
 * layer's cold start about 3 ms when it sat in the one bundle, whatever the
 * mode; apart, an `xray-udp` function never reads it.
 */

export { otlpLogsSignal } from '../logs/otlpLogs.js';
export { otlpMetricsSignal } from '../metrics/otlpMetrics.js';
export { OTLP_TRACES, OtlpHttpSender } from './otlpHttp.js';
export { OTLP_DAEMON_HEADER, toOtlpDatagrams } from './otlpUdp.js';
