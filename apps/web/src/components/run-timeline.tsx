import { Stack, Text, useComputedColorScheme } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Schemas } from '../api/client';
import { formatDuration } from '../lib/format';
import { mostTime, timelineOf } from '../lib/timeline';
import { DataTable } from './data-table';

const LANE = 22;
const LABELS = 130;
const COLOURS: Record<string, string> = { completed: '#1c7ed6', running: '#0c8599', failed: '#e03131', interrupted: '#e8590c', skipped: '#868e96' };

/**
 * Where a run's time went: a bar per step on a lane per phase and iteration (drawn on a canvas, so a
 * 100,000-step run costs one paint), and the methods that took most of it.
 */
export function RunTimeline({ run }: { run: Schemas['RunResponse'] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(800);
  const dark = useComputedColorScheme('light') === 'dark';
  const timeline = useMemo(() => timelineOf(run), [run]);
  const ranking = useMemo(() => mostTime(timeline.bars), [timeline]);
  const height = Math.max(1, timeline.lanes.length) * LANE + 24;

  useEffect(() => {
    const el = canvas.current?.parentElement;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const ratio = globalThis.devicePixelRatio || 1;
    el.width = width * ratio;
    el.height = height * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const ink = dark ? '#c9c9c9' : '#343a40';
    const span = Math.max(1, timeline.to - timeline.from);
    const x = (t: number) => LABELS + ((t - timeline.from) / span) * (width - LABELS - 8);
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = ink;
    ctx.textBaseline = 'middle';
    timeline.lanes.forEach((lane, i) => ctx.fillText(lane, 4, i * LANE + LANE / 2));
    for (const bar of timeline.bars) {
      ctx.fillStyle = COLOURS[bar.status] ?? '#868e96';
      // At least a pixel wide: a 1 ms step is still there to see.
      ctx.fillRect(x(bar.start), bar.lane * LANE + 4, Math.max(1, x(bar.end) - x(bar.start)), LANE - 8);
    }
    ctx.fillStyle = ink;
    ctx.fillText('0 s', LABELS, height - 10);
    const total = formatDuration(span);
    ctx.fillText(total, width - 8 - ctx.measureText(total).width, height - 10);
  }, [timeline, width, height, dark]);

  if (timeline.bars.length === 0) return <Text>No step has started yet.</Text>;
  const top = ranking[0];
  const busy = ranking.reduce((n, r) => n + r.total, 0);
  const words = `Most time: ${top.label} ${Math.round(top.share * 100)} % (${top.calls} × ${formatDuration(top.total / top.calls)} on average)`;
  return (
    <Stack gap="sm">
      <Text fw={600}>{words}</Text>
      <Text size="sm">
        Calls took {formatDuration(busy)} of the run's {formatDuration(timeline.to - timeline.from)}; the rest went to waiting for people (decisions, inputs,
        pauses), wait steps, and moving between steps.
      </Text>
      <div style={{ width: '100%' }}>
        <canvas
          ref={canvas}
          role="img"
          aria-label={`Timeline of ${timeline.bars.length} steps over ${formatDuration(timeline.to - timeline.from)} in ${timeline.lanes.length} lanes. ${words}.`}
          style={{ width, height, display: 'block' }}
        />
      </div>
      <Text size="sm">Blue: done · teal: running · red: failed · orange: interrupted · grey: skipped.</Text>
      <DataTable
        label="Time per method"
        columns={[
          { header: 'Method', cell: (r) => r.label },
          { header: 'Calls', cell: (r) => r.calls },
          { header: 'Total', cell: (r) => formatDuration(r.total) },
          { header: 'Share', cell: (r) => `${Math.round(r.share * 100)} %` },
        ]}
        rows={ranking.slice(0, 10)}
        rowKey={(r) => r.label}
        empty="No steps."
      />
    </Stack>
  );
}
