/** A widget's place on CloudWatch's 24-column grid (grid units). */
export interface GridBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** CloudWatch's grid is 24 columns wide; a widget without a size is 6 × 6. */
export const GRID_COLUMNS = 24;
const DEFAULT_SIZE = 6;

const int = (v: unknown, fallback: number, min: number, max: number): number =>
  typeof v === 'number' && Number.isFinite(v)
    ? Math.min(max, Math.max(min, Math.round(v)))
    : fallback;

/**
 * Place widgets: those with `x` and `y` where they say, the others (as
 * CloudWatch does) at the first free place from the top left, row by row.
 *
 * @example
 * layoutWidgets([{ width: 24, height: 2 }, { x: 0, y: 2, width: 6, height: 6 }]);
 */
export function layoutWidgets(
  widgets: ReadonlyArray<{ x?: unknown; y?: unknown; width?: unknown; height?: unknown }>,
): GridBox[] {
  const taken = new Set<string>();
  const mark = (b: GridBox) => {
    for (let y = b.y; y < b.y + b.height; y++)
      for (let x = b.x; x < b.x + b.width; x++) taken.add(`${x},${y}`);
  };
  const free = (b: GridBox) => {
    for (let y = b.y; y < b.y + b.height; y++)
      for (let x = b.x; x < b.x + b.width; x++) if (taken.has(`${x},${y}`)) return false;
    return true;
  };
  const sized = widgets.map((w) => {
    const width = int(w.width, DEFAULT_SIZE, 1, GRID_COLUMNS);
    const height = int(w.height, DEFAULT_SIZE, 1, 1000);
    const placed = typeof w.x === 'number' && typeof w.y === 'number';
    return {
      width,
      height,
      placed,
      x: int(w.x, 0, 0, GRID_COLUMNS - width),
      y: int(w.y, 0, 0, 1e6),
    };
  });
  for (const s of sized) if (s.placed) mark(s);
  return sized.map((s) => {
    if (s.placed) return { x: s.x, y: s.y, width: s.width, height: s.height };
    for (let y = 0; ; y++)
      for (let x = 0; x + s.width <= GRID_COLUMNS; x++) {
        const box = { x, y, width: s.width, height: s.height };
        if (free(box)) {
          mark(box);
          return box;
        }
      }
  });
}
