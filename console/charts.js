// SPDX-FileCopyrightText: 2026 provisiond developers
// SPDX-License-Identifier: GPL-3.0-or-later
// charts.js - tiny SVG charts written for the console. Each chart is a <figure> whose
// SVG is an image with a text label, followed by a table with the same numbers
// (the text alternative, also what a screen reader reads and what prints).
import { h, s } from './dom.js';
import { fmtNumber } from './i18n.js';
import { table } from './ui.js';

// barChart({title, rows: [{label, value, cls}], valueLabel, format, caption}) - horizontal bars
export function barChart({ title, rows, valueLabel, labelHeader, format }) {
  const fmt = format || fmtNumber;
  const max = Math.max(1, ...rows.map((r) => r.value || 0));
  const barH = 22;
  const gap = 8;
  const labelW = 170;
  const width = 520;
  const height = Math.max(1, rows.length) * (barH + gap) + gap;
  const summary = rows.map((r) => `${r.label}: ${fmt(r.value)}`).join('; ');
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${title}. ${summary}`, preserveAspectRatio: 'xMinYMin meet' },
    rows.map((r, i) => {
      const y = gap + i * (barH + gap);
      const w = Math.round(((r.value || 0) / max) * (width - labelW - 70));
      return s('g', {},
        s('text', { x: labelW - 8, y: y + barH * 0.7, 'text-anchor': 'end', class: 'chart-label' }, r.label),
        s('rect', { x: labelW, y, width: Math.max(w, r.value ? 2 : 0), height: barH, rx: 3, class: ['chart-bar', r.cls].filter(Boolean).join(' ') }),
        s('text', { x: labelW + Math.max(w, 0) + 6, y: y + barH * 0.7, class: 'chart-value' }, fmt(r.value)));
    }));
  return h('figure', { class: 'chart-figure' },
    h('figcaption', { class: 'visually-hidden' }, title),
    svg,
    h('details', { class: 'chart-table' }, h('summary', {}, valueLabel ? `${title} · ${valueLabel}` : title),
      table({
        caption: title, captionHidden: true, rows,
        columns: [
          { label: labelHeader || '', rowHeader: true, cell: (r) => r.label },
          { label: valueLabel || '', cell: (r) => fmt(r.value) },
        ],
      })));
}

// sparkline(values, {label}) - a small line of a series, with its numbers as the label
export function sparkline(values, { label, width = 120, height = 28 } = {}) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  return s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'sparkline', role: 'img', 'aria-label': `${label || ''} ${values.map((v) => fmtNumber(v)).join(', ')}` },
    s('polyline', { points: pts, class: 'sparkline-line' }));
}
