import { type SegmentDocument, truncate } from './xrayDocument.js';

/** `,"metadata":` — what removing a document's metadata saves besides its value. */
const METADATA_KEY_BYTES = Buffer.byteLength(',"metadata":');
/** Frames a cause keeps once stacks have to shrink: the top of the stack says the most. */
const TRIMMED_STACK_FRAMES = 5;
/** Successively harder caps on a lone document's strings before it is cut to its skeleton. */
const STRING_LIMITS = [1024, 128, 32] as const;

/** Whether `json` takes at most `maxBytes` as UTF-8, counting bytes only when it might not. */
function fits(json: string, maxBytes: number): boolean {
  if (json.length * 3 <= maxBytes) return true;
  return json.length <= maxBytes && Buffer.byteLength(json) <= maxBytes;
}

interface MetadataEntry {
  readonly doc: SegmentDocument;
  readonly depth: number;
  readonly bytes: number;
}

function collectMetadata(doc: SegmentDocument, depth: number, out: MetadataEntry[]): void {
  if (doc.metadata) {
    const bytes = Buffer.byteLength(JSON.stringify(doc.metadata)) + METADATA_KEY_BYTES;
    out.push({ doc, depth, bytes });
  }
  for (const child of doc.subsegments ?? []) collectMetadata(child, depth + 1, out);
}

/**
 * Remove metadata, deepest then largest first, until `excess` bytes are gone
 * (exact: each removal takes its key, value and one comma). False if there was none.
 */
function dropMetadata(root: SegmentDocument, excess: number): boolean {
  const entries: MetadataEntry[] = [];
  collectMetadata(root, 0, entries);
  entries.sort((a, b) => b.depth - a.depth || b.bytes - a.bytes);
  let removed = 0;
  for (const entry of entries) {
    if (removed >= excess) break;
    delete entry.doc.metadata;
    removed += entry.bytes;
  }
  return entries.length > 0;
}

/** Keep the top frames of every cause stack in the tree; false if nothing changed. */
function trimStacks(doc: SegmentDocument): boolean {
  let changed = false;
  for (const exception of doc.cause?.exceptions ?? []) {
    const stack = exception.stack;
    if (stack && stack.length > TRIMMED_STACK_FRAMES) {
      exception.truncated = (exception.truncated ?? 0) + stack.length - TRIMMED_STACK_FRAMES;
      exception.stack = stack.slice(0, TRIMMED_STACK_FRAMES);
      changed = true;
    }
  }
  for (const child of doc.subsegments ?? []) changed = trimStacks(child) || changed;
  return changed;
}

/** The same subsegment, now its own document under `parentId`. */
function promote(doc: SegmentDocument, traceId: string, parentId: string): SegmentDocument {
  doc.type = 'subsegment';
  doc.trace_id = traceId;
  doc.parent_id = parentId;
  return doc;
}

/**
 * Move children out, largest first, until the rest fits. The estimate only
 * overcounts what remains (removing the last child also removes the array),
 * so once it fits the real document does.
 */
function detachChildren(
  doc: SegmentDocument,
  traceId: string,
  maxBytes: number,
): SegmentDocument[] {
  const children = doc.subsegments ?? [];
  const sized = children
    .map((child) => ({ child, bytes: Buffer.byteLength(JSON.stringify(child)) + 1 }))
    .sort((a, b) => b.bytes - a.bytes);
  let estimate = Buffer.byteLength(JSON.stringify(doc));
  const moved = new Set<SegmentDocument>();
  for (const { child, bytes } of sized) {
    if (estimate <= maxBytes) break;
    moved.add(child);
    estimate -= bytes;
  }
  const kept = children.filter((child) => !moved.has(child));
  if (kept.length > 0) doc.subsegments = kept;
  else delete doc.subsegments;
  return [...moved].map((child) => promote(child, traceId, doc.id));
}

function truncateStrings(doc: SegmentDocument, limit: number): void {
  const annotations = doc.annotations ?? {};
  for (const [key, value] of Object.entries(annotations)) {
    if (typeof value === 'string') annotations[key] = truncate(value, limit);
  }
  for (const exception of doc.cause?.exceptions ?? []) {
    if (exception.type) exception.type = truncate(exception.type, limit);
    if (exception.message) exception.message = truncate(exception.message, limit);
    for (const frame of exception.stack ?? []) {
      frame.path = truncate(frame.path, limit);
      if (frame.label) frame.label = truncate(frame.label, limit);
    }
  }
}

/** What is left when nothing else fits: identity, timing and outcome. Never dropped. */
function skeleton(doc: SegmentDocument): SegmentDocument {
  const { annotations: _a, metadata: _m, cause: _c, subsegments: _s, ...identity } = doc;
  return identity;
}

/** A document without children that is still too big: cut its strings, then to its skeleton. */
function serializeAlone(doc: SegmentDocument, maxBytes: number): string {
  let json = JSON.stringify(doc);
  for (const limit of STRING_LIMITS) {
    if (fits(json, maxBytes)) return json;
    truncateStrings(doc, limit);
    json = JSON.stringify(doc);
  }
  // If even the skeleton is over maxBytes (an absurdly small limit), it is sent anyway.
  return fits(json, maxBytes) ? json : JSON.stringify(skeleton(doc));
}

/** The whole tree as one document, after dropping metadata and trimming stacks if need be; undefined if it cannot fit. */
function shrinkInPlace(root: SegmentDocument, maxBytes: number): string | undefined {
  let json = JSON.stringify(root);
  if (fits(json, maxBytes)) return json;
  if (dropMetadata(root, Buffer.byteLength(json) - maxBytes)) {
    json = JSON.stringify(root);
    if (fits(json, maxBytes)) return json;
  }
  if (trimStacks(root)) {
    json = JSON.stringify(root);
    if (fits(json, maxBytes)) return json;
  }
  return undefined;
}

/**
 * Serialize the tree under `root` into documents of at most `maxBytes`
 * UTF-8 bytes each, appended to `out`. In order: drop metadata, trim cause
 * stacks, split children into independent subsegment documents, truncate the
 * strings of a span that still does not fit. Every span ends up in some
 * document. Mutates `root`.
 *
 * @example
 * const out: string[] = [];
 * fitDocument(doc, '1-5759e988-bd862e3fe1be46a994272793', DEFAULT_MAX_SEGMENT_BYTES, out);
 */
export function fitDocument(
  root: SegmentDocument,
  traceId: string,
  maxBytes: number,
  out: string[],
): void {
  const whole = shrinkInPlace(root, maxBytes);
  if (whole !== undefined) {
    out.push(whole);
    return;
  }
  const detached = detachChildren(root, traceId, maxBytes);
  out.push(root.subsegments ? JSON.stringify(root) : serializeAlone(root, maxBytes));
  for (const child of detached) fitDocument(child, traceId, maxBytes, out);
}
