/** A line chart as SVG (no dependencies): x is a stage index, one line per series, y in percent. */
export interface Series {
  name: string;
  values: (number | null)[];
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function lineChartSvg(title: string, xLabel: string, series: Series[]): string {
  const [w, h, left, right, top, bottom] = [720, 420, 60, 200, 40, 50];
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const lo = Math.max(0, Math.floor((Math.min(...all, 1) * 100) / 5) * 5 - 5);
  const hi = Math.min(100, Math.ceil((Math.max(...all, 0) * 100) / 5) * 5 + 5);
  const x = (i: number) => left + (n === 1 ? (w - left - right) / 2 : (i * (w - left - right)) / (n - 1));
  const y = (v: number) => top + ((hi - v * 100) * (h - top - bottom)) / Math.max(hi - lo, 1);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${left}" y="24" font-size="15">${esc(title)}</text>`,
  ];
  for (let t = lo; t <= hi; t += 5) {
    parts.push(`<line x1="${left}" x2="${w - right}" y1="${y(t / 100)}" y2="${y(t / 100)}" stroke="#eee"/>`, `<text x="${left - 8}" y="${y(t / 100) + 4}" text-anchor="end">${t}%</text>`);
  }
  for (let i = 0; i < n; i++) parts.push(`<text x="${x(i)}" y="${h - bottom + 18}" text-anchor="middle">${i}</text>`);
  parts.push(`<text x="${(left + w - right) / 2}" y="${h - 12}" text-anchor="middle">${esc(xLabel)}</text>`);
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const points = s.values.map((v, i) => (v === null ? null : `${x(i)},${y(v)}`)).filter(Boolean);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`);
    for (const p of points) parts.push(`<circle cx="${p!.split(',')[0]}" cy="${p!.split(',')[1]}" r="3" fill="${color}"/>`);
    parts.push(`<rect x="${w - right + 15}" y="${top + k * 20 - 9}" width="12" height="12" fill="${color}"/>`, `<text x="${w - right + 32}" y="${top + k * 20 + 1}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
