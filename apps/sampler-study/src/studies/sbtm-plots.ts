import type { TopLevelSpec } from "vega-lite";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** A long-format row of a time series: one value of one series at time t (optionally in a panel). */
export type SeriesRow = { t: number; value: number; series: string; panel?: string };

/** Distinct values of `key` in order of first appearance (facets and legends follow the order the study wrote). */
function firstAppearance<T>(rows: readonly T[], key: (row: T) => string | undefined): string[] {
  const seen = new Set<string>();
  for (const r of rows) {
    const k = key(r);
    if (k !== undefined) seen.add(k);
  }
  return [...seen];
}

/**
 * Line chart of several series over time, faceted by `panel` (in the order the rows give them, not
 * alphabetically: "N = 1000" must not come before "N = 300"), with an optional log y-axis. Series whose name
 * starts with "exact" or "target" are dashed.
 */
export function seriesPlot(options: {
  title: string;
  subtitle: string;
  rows: readonly SeriesRow[];
  yTitle: string;
  logY?: boolean;
  xTitle?: string;
  columns?: number;
}): TopLevelSpec {
  const rows = options.logY ? options.rows.filter((r) => r.value > 0 && Number.isFinite(r.value)) : options.rows.filter((r) => Number.isFinite(r.value));
  const hasPanels = rows.some((r) => r.panel !== undefined);
  const layer = {
    width: hasPanels ? 300 : 460,
    height: hasPanels ? 200 : 260,
    mark: { type: "line", strokeWidth: 1.6, clip: true },
    encoding: {
      x: { field: "t", type: "quantitative", title: options.xTitle ?? "time t" },
      y: {
        field: "value",
        type: "quantitative",
        title: options.yTitle,
        scale: options.logY ? { type: "log" } : { zero: false },
        axis: { format: options.logY ? ".0e" : "~g" },
      },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        sort: firstAppearance(rows, (r) => r.series),
        legend: { orient: "bottom", columns: hasPanels ? 3 : 2, labelLimit: 420 },
      },
      strokeDash: {
        condition: { test: "indexof(datum.series, 'exact ') === 0 || indexof(datum.series, 'target') === 0", value: [5, 3] },
        value: [1, 0],
      },
    },
  };
  const title = { text: options.title, subtitle: options.subtitle };
  if (!hasPanels) return { $schema: SCHEMA, title, data: { values: rows as unknown as Record<string, unknown>[] }, ...layer } as TopLevelSpec;
  return {
    $schema: SCHEMA,
    title,
    data: { values: rows as unknown as Record<string, unknown>[] },
    facet: { field: "panel", type: "nominal", title: null, sort: firstAppearance(rows, (r: { panel?: string }) => r.panel), header: { labelLimit: 320 } },
    columns: options.columns ?? 2,
    spec: layer,
    resolve: { scale: { y: "independent" } },
  } as TopLevelSpec;
}

/** Trajectories of a few particles (x against t), one panel per method. */
export function trajectoryPlot(rows: readonly { t: number; x: number; particle: number; method: string }[], title: string): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: "the same initial particles; SBTM moves deterministically, ULA diffuses" },
    data: { values: rows as unknown as Record<string, unknown>[] },
    facet: { field: "method", type: "nominal", title: null, sort: firstAppearance(rows, (r) => r.method) },
    spec: {
      width: 300,
      height: 200,
      mark: { type: "line", strokeWidth: 1.2 },
      encoding: {
        x: { field: "t", type: "quantitative", title: "time t" },
        y: { field: "x", type: "quantitative", title: "particle position" },
        color: { field: "particle", type: "nominal", legend: null },
      },
    },
  } as TopLevelSpec;
}

/** KDE snapshots of the particles vs the target density, one panel per (example, time). */
export function snapshotPlot(rows: readonly { x: number; density: number; series: string; panel: string }[], title: string): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: "KDE (Scott) of the particles at t ∈ {0, 1, 3, 10}; dashed: target density" },
    data: { values: rows as unknown as Record<string, unknown>[] },
    facet: { field: "panel", type: "nominal", title: null, sort: firstAppearance(rows, (r: { panel?: string }) => r.panel), header: { labelLimit: 320 } },
    columns: 4,
    spec: {
      width: 180,
      height: 120,
      mark: { type: "line", strokeWidth: 1.4 },
      encoding: {
        x: { field: "x", type: "quantitative", title: null },
        y: { field: "density", type: "quantitative", title: null },
        color: { field: "series", type: "nominal", title: null, sort: firstAppearance(rows, (r) => r.series), legend: { orient: "bottom" } },
        strokeDash: { condition: { test: "datum.series === 'target'", value: [5, 3] }, value: [1, 0] },
      },
    },
  } as TopLevelSpec;
}

/** One arrow of a quiver plot: the vector (u, v) at (x, y). */
export type QuiverRow = { x: number; y: number; u: number; v: number; series: string };

/** Quiver plot: each series' vectors drawn from the same points as segments of length `scale`·|(u, v)|, one panel per series. */
export function quiverPlot(options: { title: string; subtitle: string; rows: readonly QuiverRow[]; scale: number }): TopLevelSpec {
  const data = options.rows.map((r) => ({ ...r, x2: r.x + options.scale * r.u, y2: r.y + options.scale * r.v }));
  const order = firstAppearance(options.rows, (r) => r.series);
  return {
    $schema: SCHEMA,
    title: { text: options.title, subtitle: options.subtitle },
    data: { values: data as unknown as Record<string, unknown>[] },
    facet: { field: "series", type: "nominal", title: null, sort: order, header: { labelLimit: 320 } },
    columns: order.length,
    spec: {
      width: 260,
      height: 200,
      layer: [
        {
          mark: { type: "rule", strokeWidth: 1.8, clip: true },
          encoding: {
            x: { field: "x", type: "quantitative", title: "x₁", scale: { domain: [-7, 7] } },
            y: { field: "y", type: "quantitative", title: "x₂", scale: { domain: [-3.5, 3.5] } },
            x2: { field: "x2" },
            y2: { field: "y2" },
            color: { field: "series", type: "nominal", sort: order, legend: null },
          },
        },
        {
          mark: { type: "point", filled: true, size: 14, color: "#333" },
          encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
        },
      ],
    },
  } as TopLevelSpec;
}
