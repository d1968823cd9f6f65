import { useComputedColorScheme } from '@mantine/core';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { alignSeries, type Series } from '../lib/plot-data';

// Distinct in both schemes and at least 3:1 against either background (WCAG non-text contrast).
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];
const COLOURS = ['#1c7ed6', '#e8590c', '#0c8599', '#c2255c', '#5c940d', '#7048e8', '#e67700', '#495057'];

interface Props {
  series: Series[];
  xLabel: string;
  yLabel: string;
  /** Said to screen readers: what the plot shows (the table beside it has the numbers). */
  label: string;
  height?: number;
}

/**
 * Lines with points (uPlot on a canvas: 100k points in ~0.1 s), sized to its container and redrawn
 * in place when the data changes, so a live run's plot grows without flicker. Loaded lazily.
 */
export default function LinePlot({ series, xLabel, yLabel, label, height = 280 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const dark = useComputedColorScheme('light') === 'dark';
  const shape = `${series.map((s) => s.label).join('\u0000')}|${xLabel}|${yLabel}|${dark}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ink = dark ? '#c9c9c9' : '#343a40';
    const grid = dark ? '#3b3b3b' : '#e9ecef';
    // Samples and iterations are counted: no tick at sample 1.2.
    const wholeX = series.every((s) => s.points.every(([x]) => Number.isInteger(x)));
    const axis = (text: string): uPlot.Axis => ({ label: text, stroke: ink, grid: { stroke: grid }, ticks: { stroke: grid } });
    plot.current = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        scales: { x: { time: false } },
        axes: [{ ...axis(xLabel), ...(wholeX ? { incrs: WHOLE_STEPS } : {}) }, axis(yLabel)],
        series: [{ label: xLabel }, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: true, size: 6 }, spanGaps: true }))],
      },
      alignSeries(series) as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
    // Rebuilt only when what is plotted changes shape; new points go through setData below.
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData(alignSeries(series) as uPlot.AlignedData);
  }, [series]);

  return <div ref={box} role="img" aria-label={label} style={{ width: '100%', color: dark ? '#c9c9c9' : '#343a40' }} />;
}
