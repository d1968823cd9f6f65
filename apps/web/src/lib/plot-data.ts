/** Results as a plot needs them: which columns hold numbers, and series on one shared x axis. */

type Row = Record<string, unknown>;

const asNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Columns with a number in at least one row (text, lists and empty columns cannot be plotted). */
export function numericColumns(columns: readonly string[], rows: readonly Row[]): string[] {
  return columns.filter((c) => rows.some((r) => asNumber(r[c]) !== null));
}

/** The column to plot first: the last numeric one that is not a counter (outputs come last). */
export function defaultY(numeric: readonly string[]): string | undefined {
  return [...numeric].reverse().find((c) => c !== 'sample' && c !== 'iteration') ?? numeric[0];
}

export interface Series {
  label: string;
  points: [number, number][];
}

/** One series from a results table: (x, y) where both are numbers, in x order. */
export function seriesOf(label: string, rows: readonly Row[], x: string, y: string): Series {
  const points = rows.flatMap((r): [number, number][] => {
    const [px, py] = [asNumber(r[x]), asNumber(r[y])];
    return px === null || py === null ? [] : [[px, py]];
  });
  return { label, points: points.sort((a, b) => a[0] - b[0]) };
}

/**
 * uPlot's data: one sorted x array shared by all series, each series with null where it has no
 * point at that x (runs of different lengths on one plot). Repeated x values of a series keep the
 * last (a plot per sample shows one value per x).
 */
export function alignSeries(series: readonly Series[]): [number[], ...(number | null)[][]] {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const line: (number | null)[] = xs.map(() => null);
    for (const [x, y] of s.points) line[at.get(x) as number] = y;
    return line;
  });
  return [xs, ...ys];
}

/** Best, mean and count of a column: the summary under a comparison. */
export function summary(values: readonly number[]): { n: number; min: number; max: number; mean: number } | undefined {
  if (values.length === 0) return undefined;
  return { n: values.length, min: Math.min(...values), max: Math.max(...values), mean: values.reduce((a, b) => a + b, 0) / values.length };
}
