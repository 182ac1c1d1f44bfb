import { expect } from 'vitest';

/** An X-Ray segment or subsegment document as the tests read it. */
export type SegmentDoc = Record<string, unknown> & { subsegments?: SegmentDoc[] };

/** One (sub)segment and the id of what it hangs under. */
export interface SegmentNode {
  readonly name: string;
  readonly id: string;
  readonly parent: string | undefined;
  readonly doc: SegmentDoc;
}

/**
 * Every (sub)segment of a document, each with its parent's id: the enclosing
 * subsegment, else `parent`, else the document's own `parent_id`.
 *
 * @example
 * const byName = Object.fromEntries(segmentNodes(doc).map((n) => [n.name, n]));
 */
export function segmentNodes(doc: SegmentDoc, parent?: string): SegmentNode[] {
  const self = {
    name: String(doc.name),
    id: String(doc.id),
    parent: parent ?? (doc.parent_id as string | undefined),
    doc,
  };
  return [self, ...(doc.subsegments ?? []).flatMap((s) => segmentNodes(s, self.id))];
}

/**
 * Every node starts and ends within its parent's time, where the parent is
 * among `nodes` (X-Ray times are seconds; 1 µs of rounding allowed).
 *
 * @example
 * expectEveryChildWithinItsParent(docs.flatMap((d) => segmentNodes(d)));
 */
export function expectEveryChildWithinItsParent(nodes: readonly SegmentNode[]): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const node of nodes) {
    const parent = node.parent === undefined ? undefined : byId.get(node.parent);
    if (!parent) continue;
    const within = `${node.name} within ${parent.name}`;
    expect(node.doc.start_time as number, within).toBeGreaterThanOrEqual(
      (parent.doc.start_time as number) - 1e-6,
    );
    expect(node.doc.end_time as number, within).toBeLessThanOrEqual(
      (parent.doc.end_time as number) + 1e-6,
    );
  }
}
