import { kappaConcentration } from "@parabolic/kappa";
import type { TopLevelSpec } from "vega-lite";

/** A histogram of one statistic at one d, with the exact density on a fine grid. */
export type Histogram = {
  law: string;
  label: string;
  dim: number;
  edges: number[];
  density: number[];
  curve: Array<{ x: number; density: number }>;
};

type ConcentrationRow = {
  dim: number;
  concentration: {
    fourPiSigma: { mean: number; sd: number };
    zetaSquaredOverDim: { mean: number; sd: number };
  };
};

const BAR = "#9ecae1";
const LINE = "#d6604d";

/** Facet grid: rows = exact laws, columns = d; bars = sample density, red line = exact density. */
export function lawsPlot(histograms: readonly Histogram[], dims: readonly number[]): TopLevelSpec {
  const values: Array<Record<string, unknown>> = [];
  const order = [...new Set(histograms.map((h) => h.label))];
  for (const h of histograms) {
    const col = `d = ${h.dim}`;
    for (let i = 0; i < h.density.length; i++) {
      values.push({ kind: "bar", law: h.label, d: col, x0: h.edges[i], x1: h.edges[i + 1], y: h.density[i] });
    }
    for (const p of h.curve) values.push({ kind: "curve", law: h.label, d: col, x: p.x, y: p.density });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "κ sampler: exact laws (histogram of N samples) vs exact densities",
      subtitle: "bars: samples; red: exact density (Theorem K). Independent axes per panel.",
    },
    data: { values },
    facet: {
      row: { field: "law", type: "nominal", sort: order, title: null, header: { labelAngle: 0, labelAlign: "left", labelLimit: 320 } },
      column: { field: "d", type: "nominal", sort: dims.map((d) => `d = ${d}`), title: null },
    },
    spec: {
      width: 150,
      height: 90,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'bar'" }],
          mark: { type: "rect", color: BAR, stroke: "white", strokeWidth: 0.3 },
          encoding: {
            x: { field: "x0", type: "quantitative", title: null, axis: { tickCount: 3, format: ".4~g" }, scale: { zero: false, nice: false } },
            x2: { field: "x1" },
            y: { field: "y", type: "quantitative", title: null, axis: { tickCount: 3, format: ".3~g" } },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'curve'" }],
          mark: { type: "line", color: LINE, strokeWidth: 1.5 },
          encoding: {
            x: { field: "x", type: "quantitative" },
            y: { field: "y", type: "quantitative" },
          },
        },
      ],
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  } as TopLevelSpec;
}

/** Three panels: 4πς and |ζ|²/d vs d (sample mean ± sd, exact mean ± sd band, limit) and the sds vs predicted rates. */
export function concentrationPlot(rows: readonly ConcentrationRow[], dims: readonly number[]): TopLevelSpec {
  const maxD = Math.max(65536, ...dims);
  const grid = new Set<number>();
  for (let e = 0; e <= Math.log2(maxD) + 1e-9; e += 0.0625) grid.add(Math.round(2 ** e));
  const exact = [...grid].map((d) => ({ d, c: kappaConcentration(d) }));
  const curve = (which: "fourPiSigma" | "zetaSquaredOverDim") =>
    exact.map(({ d, c }) => ({ d, mean: c[which].mean, lo: c[which].mean - c[which].sd, hi: c[which].mean + c[which].sd }));
  const points = (which: "fourPiSigma" | "zetaSquaredOverDim") =>
    rows.map((r) => ({
      d: r.dim,
      mean: r.concentration[which].mean,
      lo: r.concentration[which].mean - r.concentration[which].sd,
      hi: r.concentration[which].mean + r.concentration[which].sd,
    }));
  const xAxis = { field: "d", type: "quantitative", scale: { type: "log", domain: [1, maxD] }, title: "dimension d", axis: { format: "~s" } } as const;
  const panel = (which: "fourPiSigma" | "zetaSquaredOverDim", title: string, limit: number, limitLabel: string) => ({
    title: { text: title, fontSize: 13 },
    width: 260,
    height: 220,
    layer: [
      {
        data: { values: curve(which) },
        mark: { type: "area", opacity: 0.25, color: "#4292c6" },
        encoding: { x: xAxis, y: { field: "lo", type: "quantitative", title: null, scale: { zero: false } }, y2: { field: "hi" } },
      },
      {
        data: { values: curve(which) },
        mark: { type: "line", color: "#2171b5" },
        encoding: { x: xAxis, y: { field: "mean", type: "quantitative" } },
      },
      {
        data: { values: [{ y: limit, label: limitLabel }] },
        mark: { type: "rule", strokeDash: [4, 3], color: "#555" },
        encoding: { y: { field: "y", type: "quantitative" } },
      },
      {
        data: { values: [{ y: limit, label: limitLabel }] },
        mark: { type: "text", align: "right", dy: -6, x: 255, fontSize: 11, color: "#333" },
        encoding: { y: { field: "y", type: "quantitative" }, text: { field: "label" } },
      },
      {
        data: { values: points(which) },
        mark: { type: "rule", color: LINE, strokeWidth: 2 },
        encoding: { x: xAxis, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
      },
      {
        data: { values: points(which) },
        mark: { type: "point", filled: true, color: LINE, size: 45 },
        encoding: { x: xAxis, y: { field: "mean", type: "quantitative" } },
      },
    ],
  });
  const sdRows: Array<Record<string, unknown>> = [];
  for (const { d, c } of exact) {
    sdRows.push({ d, sd: c.fourPiSigma.sd, series: "4πς: exact sd" });
    sdRows.push({ d, sd: c.fourPiSigma.asymptoticSd, series: "4πς: e⁻¹√(2/d)" });
    sdRows.push({ d, sd: c.zetaSquaredOverDim.sd, series: "|ζ|²/d: exact sd" });
    sdRows.push({ d, sd: c.zetaSquaredOverDim.asymptoticSd, series: "|ζ|²/d: √6/(2πe·d)" });
  }
  const sdPoints = rows.flatMap((r) => [
    { d: r.dim, sd: r.concentration.fourPiSigma.sd, series: "4πς: exact sd" },
    { d: r.dim, sd: r.concentration.zetaSquaredOverDim.sd, series: "|ζ|²/d: exact sd" },
  ]);
  const colors = { domain: ["4πς: exact sd", "4πς: e⁻¹√(2/d)", "|ζ|²/d: exact sd", "|ζ|²/d: √6/(2πe·d)"], range: ["#2171b5", "#6baed6", "#238b45", "#74c476"] };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Concentration of κ as d grows",
      subtitle: "red: sample mean ± sd at the study's d; blue: exact mean ± sd; dashed: d → ∞ limit",
    },
    hconcat: [
      panel("fourPiSigma", "time lag 4πς", Math.exp(-1), "e⁻¹"),
      panel("zetaSquaredOverDim", "squared radius |ζ|²/d", 1 / (2 * Math.PI * Math.E), "1/(2πe)"),
      {
        title: { text: "spread (sd) vs predicted rates", fontSize: 13 },
        width: 260,
        height: 220,
        layer: [
          {
            data: { values: sdRows },
            mark: { type: "line" },
            encoding: {
              x: xAxis,
              y: { field: "sd", type: "quantitative", scale: { type: "log" }, title: "standard deviation", axis: { format: "~e" } },
              color: { field: "series", type: "nominal", scale: colors, title: null, legend: { orient: "bottom", columns: 2 } },
              strokeDash: {
                field: "series",
                type: "nominal",
                scale: { domain: colors.domain, range: [[1, 0], [5, 3], [1, 0], [5, 3]] },
                title: null,
                legend: { orient: "bottom", columns: 2 },
              },
            },
          },
          {
            data: { values: sdPoints },
            mark: { type: "point", filled: true, size: 45 },
            encoding: {
              x: xAxis,
              y: { field: "sd", type: "quantitative" },
              color: { field: "series", type: "nominal", scale: colors },
            },
          },
        ],
      },
    ],
  } as TopLevelSpec;
}

/** The time-lag marginals of κ, ν and D at one d: histogram of μ = −(d/2)log(4πς) vs the quadrature density. */
export function measuresPlot(
  data: ReadonlyArray<{ measure: string; edges: number[]; density: number[]; curve: Array<{ x: number; density: number }> }>,
  dim: number,
  samples: number,
): TopLevelSpec {
  const names: Record<string, string> = { kappa: "κ = ¼|ζ|²/ς²", nu: "ν ∝ k = Φ − 1 − log Φ", drift: "D ∝ |∇_ζ k|" };
  const values: Array<Record<string, unknown>> = [];
  for (const m of data) {
    const label = names[m.measure] ?? m.measure;
    for (let i = 0; i < m.density.length; i++) values.push({ kind: "bar", m: label, x0: m.edges[i], x1: m.edges[i + 1], y: m.density[i] });
    for (const p of m.curve) values.push({ kind: "curve", m: label, x: p.x, y: p.density });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Time-lag marginals at d = ${dim}: samplers vs quadrature of the definitions`,
      subtitle: `μ = −(d/2)·log(4πς); bars: ${samples} samples; red: density by quadrature (not from the samplers' factorisation)`,
    },
    data: { values },
    facet: { column: { field: "m", type: "nominal", title: null, sort: Object.values(names) } },
    spec: {
      width: 240,
      height: 180,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'bar'" }],
          mark: { type: "rect", color: BAR, stroke: "white", strokeWidth: 0.3 },
          encoding: {
            x: { field: "x0", type: "quantitative", title: "μ", scale: { zero: false, nice: false } },
            x2: { field: "x1" },
            y: { field: "y", type: "quantitative", title: "density" },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'curve'" }],
          mark: { type: "line", color: LINE, strokeWidth: 1.8 },
          encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
        },
      ],
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  } as TopLevelSpec;
}
