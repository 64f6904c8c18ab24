// Inline SVG bar charts (no chart library, nothing loaded from elsewhere). Colors come from
// classes styled in page.css; no inline style attributes (the CSP forbids them).
import { svg } from "./dom.js";

/**
 * Horizontal grouped bars.
 * @param {{ title: string, desc?: string, groups: { label: string, bars: { key: string, value: number }[] }[],
 *           series: Record<string, { label: string, cls: string }>, format: (n: number) => string, width?: number }} o
 */
export function barChart(o) {
  const width = o.width ?? 640;
  const labelW = 170;
  const valueW = 92;
  const barH = 16;
  const gap = 3;
  const groupGap = 12;
  const legendH = 26;
  const keys = Object.keys(o.series);
  const max = Math.max(1e-9, ...o.groups.flatMap((g) => g.bars.map((b) => Math.abs(b.value))));
  const plotW = width - labelW - valueW;
  const rows = o.groups.reduce((n, g) => n + g.bars.length, 0);
  const height = legendH + rows * (barH + gap) + o.groups.length * groupGap + 6;
  const titleId = `chart-${Math.random().toString(36).slice(2)}`;
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: "100%",
    role: "img",
    "aria-labelledby": `${titleId}-t ${titleId}-d`,
    class: "chart",
    preserveAspectRatio: "xMinYMin meet",
  });
  root.append(svg("title", { id: `${titleId}-t` }, o.title));
  const desc = o.desc ?? o.groups.map((g) => `${g.label}: ${g.bars.map((b) => `${o.series[b.key]?.label ?? b.key} ${o.format(b.value)}`).join(", ")}`).join("; ");
  root.append(svg("desc", { id: `${titleId}-d` }, desc));
  // legend
  let lx = labelW;
  for (const k of keys) {
    root.append(svg("rect", { x: lx, y: 6, width: 12, height: 12, class: `bar ${o.series[k].cls}` }));
    const t = svg("text", { x: lx + 16, y: 16, class: "legend" }, o.series[k].label);
    root.append(t);
    lx += 24 + o.series[k].label.length * 7;
  }
  let y = legendH;
  for (const g of o.groups) {
    const groupTop = y;
    for (const b of g.bars) {
      const w = Math.max(0, (Math.abs(b.value) / max) * plotW);
      root.append(svg("rect", { x: labelW, y, width: w.toFixed(1), height: barH, class: `bar ${o.series[b.key]?.cls ?? ""}${b.value < 0 ? " negative" : ""}` }));
      root.append(svg("text", { x: (labelW + w + 4).toFixed(1), y: y + barH - 4, class: "value" }, o.format(b.value)));
      y += barH + gap;
    }
    root.append(svg("text", { x: labelW - 8, y: groupTop + ((y - groupTop) / 2) + 4, class: "group-label", "text-anchor": "end" }, g.label));
    y += groupGap;
  }
  root.append(svg("line", { x1: labelW, x2: labelW, y1: legendH - 4, y2: height - 4, class: "axis" }));
  return root;
}
