import { isValidSpanId } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MAX_UDP_PAYLOAD_BYTES } from '../contract/limits.js';
import { type SegmentDocument, spanToDocument, toXRayTraceId } from './xrayDocument.js';
import { fitDocument } from './xrayFit.js';

/** Re-exported so callers need only this module. */
export type { SegmentDocument } from './xrayDocument.js';
/** Re-exported so callers need only this module. */
export { toXRayTraceId } from './xrayDocument.js';

/** The X-Ray daemon protocol header that precedes every UDP document. */
export const XRAY_DAEMON_HEADER = '{"format": "json", "version": 1}\n';
/**
 * Largest document that fits one datagram together with its header: 65,474
 * bytes. The bound is what UDP carries over IPv4 (65,507), not the daemon's
 * 64 KiB read buffer: a document between the two fails with EMSGSIZE and is
 * lost whole, with every span nested in it.
 */
export const DEFAULT_MAX_SEGMENT_BYTES =
  MAX_UDP_PAYLOAD_BYTES - Buffer.byteLength(XRAY_DAEMON_HEADER);

/** Options of {@link toSegmentDocuments}. */
export interface SegmentDocumentOptions {
  /**
   * Largest serialized document, in UTF-8 bytes. Below about 1 KiB a single
   * span may not fit even stripped to its identity and timing; it is then
   * sent over the limit rather than lost.
   * @default DEFAULT_MAX_SEGMENT_BYTES (the largest IPv4 UDP payload minus the daemon header)
   */
  readonly maxBytes?: number;
}

interface Node {
  readonly doc: SegmentDocument;
  readonly traceId: string;
  readonly parentId: string | undefined;
}

interface Root {
  readonly doc: SegmentDocument;
  /** X-Ray form. */
  readonly traceId: string;
}

function nodeOf(span: ReadableSpan): Node {
  const parentId = span.parentSpanContext?.spanId;
  return {
    doc: spanToDocument(span),
    traceId: span.spanContext().traceId,
    parentId: parentId && isValidSpanId(parentId) ? parentId : undefined,
  };
}

function assemble(node: Node, children: Map<string, Node[]>, placed: Set<Node>): void {
  placed.add(node);
  for (const child of children.get(node.doc.id) ?? []) {
    // Guards against parent cycles, which only malformed input can contain.
    if (placed.has(child)) continue;
    assemble(child, children, placed);
    node.doc.subsegments ??= [];
    node.doc.subsegments.push(child.doc);
  }
}

/** Top-level documents carry the trace; a parent outside the set makes an independent subsegment. */
function decorateRoot(node: Node): Root {
  const doc = node.doc;
  if (node.parentId !== undefined) {
    doc.type = 'subsegment';
    doc.parent_id = node.parentId;
  } else {
    // A segment describes a service, not a call to one.
    delete doc.namespace;
  }
  doc.trace_id = toXRayTraceId(node.traceId);
  return { doc, traceId: doc.trace_id };
}

/** Nest every span under its parent when the parent is in the set; the rest are roots. */
function buildForest(spans: readonly ReadableSpan[]): Root[] {
  const nodes = new Map<string, Node>();
  for (const span of spans) nodes.set(span.spanContext().spanId, nodeOf(span));
  const children = new Map<string, Node[]>();
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parentId = node.parentId;
    const parent = parentId === undefined ? undefined : nodes.get(parentId);
    if (
      parentId === undefined ||
      parent === undefined ||
      parent === node ||
      parent.traceId !== node.traceId
    ) {
      roots.push(node);
      continue;
    }
    const siblings = children.get(parentId);
    if (siblings) siblings.push(node);
    else children.set(parentId, [node]);
  }
  const placed = new Set<Node>();
  for (const root of roots) assemble(root, children, placed);
  // Nodes on a parent cycle were never reached from a root: send them on their own, not lose them.
  for (const node of nodes.values()) {
    if (placed.has(node)) continue;
    roots.push(node);
    assemble(node, children, placed);
  }
  return roots.map(decorateRoot);
}

/**
 * Convert finished spans into X-Ray segment documents, serialized and ready to
 * send. A span nests into its parent's `subsegments` when the parent is in
 * `spans`; otherwise it heads an independent subsegment document (`type`,
 * `trace_id`, `parent_id`), or a segment when it has no parent at all. So one
 * invocation's spans, whose parent is the Lambda function segment, make one
 * document: one UDP datagram. A document over `maxBytes` loses metadata, then
 * stack frames, then is split; no span is ever dropped.
 *
 * @example
 * const spans = processor.takeTrace(traceId);
 * await sender.send(toSegmentDocuments(spans));
 */
export function toSegmentDocuments(
  spans: readonly ReadableSpan[],
  options: SegmentDocumentOptions = {},
): string[] {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SEGMENT_BYTES;
  const out: string[] = [];
  for (const { doc, traceId } of buildForest(spans)) fitDocument(doc, traceId, maxBytes, out);
  return out;
}
