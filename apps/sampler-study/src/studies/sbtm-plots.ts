import type { TopLevelSpec } from "vega-lite";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** A long-format row of a time series: one value of one series at time t (optionally in a panel). */
export type SeriesRow = { t: number; value: number; series: string; panel?: string };

/** Line chart of several series over time, faceted by `panel`, with an optional log y-axis. */
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
    width: 300,
    height: 200,
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
      color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom", columns: 3, labelLimit: 260 } },
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
    facet: { field: "panel", type: "nominal", title: null, header: { labelLimit: 320 } },
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
    facet: { field: "method", type: "nominal", title: null },
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
    facet: { field: "panel", type: "nominal", title: null, header: { labelLimit: 320 } },
    columns: 4,
    spec: {
      width: 180,
      height: 120,
      mark: { type: "line", strokeWidth: 1.4 },
      encoding: {
        x: { field: "x", type: "quantitative", title: null },
        y: { field: "density", type: "quantitative", title: null },
        color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } },
        strokeDash: { condition: { test: "datum.series === 'target'", value: [5, 3] }, value: [1, 0] },
      },
    },
  } as TopLevelSpec;
}
