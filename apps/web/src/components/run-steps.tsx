import { Box, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef } from 'react';
import type { Schemas } from '../api/client';
import { durationBetween, formatValue } from '../lib/format';
import { StatusBadge } from './status-badge';

type Run = Schemas['RunResponse'];
type Step = Schemas['StepResponse'];
type Line = { kind: 'group'; label: string } | { kind: 'step'; step: Step };

const PHASE_NAMES: Record<string, string> = { prep: 'Prep', main: 'Script', cleanup: 'Cleanup' };
const COLUMNS = '64px minmax(0, 2.2fr) 130px minmax(0, 1fr) 90px';
const HEADERS = ['Step', 'Call', 'Status', 'Output', 'Duration'];
/** The sticky header row above the rows, inside the same scroller. */
const HEADER_HEIGHT = 38;

/** Steps in the order they ran, a heading line before each phase and iteration. */
export function stepLines(run: Run): Line[] {
  return run.phases
    .filter((phase) => phase.steps.length > 0)
    .flatMap((phase): Line[] => [
      { kind: 'group', label: `${PHASE_NAMES[phase.name] ?? phase.name}${phase.name === 'main' ? ` · iteration ${phase.repeatIndex}` : ''}` },
      ...phase.steps.map((step): Line => ({ kind: 'step', step })),
    ]);
}

const callText = (step: Step) => `${step.instrument}.${step.methodName}(${Object.entries(step.args ?? {}).map(([k, v]) => `${k}=${formatValue(v)}`).join(', ')})`;

const cell = { padding: '6px 12px', minWidth: 0 } as const;

/** One step's row; memoised, so scrolling draws only the rows that come into view. */
const StepRow = memo(function StepRow({ step, index, start, measure }: { step: Step; index: number; start: number; measure: (el: HTMLElement | null) => void }) {
  return (
    <div
      ref={measure}
      data-index={index}
      role="row"
      aria-rowindex={index + 2}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${start}px)`, display: 'grid', gridTemplateColumns: COLUMNS, alignItems: 'center', borderTop: '1px solid var(--mantine-color-default-border)' }}
    >
      <div role="cell" style={cell}>
        {step.stepIndex}
      </div>
      <div role="cell" style={cell}>
        <code style={{ fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12, padding: '1px 5px', borderRadius: 4, background: 'var(--mantine-color-default-hover)', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{callText(step)}</code>
        {step.attempt > 1 && <span style={{ fontSize: 12 }}> attempt {step.attempt}</span>}
        {step.error && <div style={{ fontSize: 12, color: 'var(--mantine-color-error)' }}>{step.error.split('\n')[0]}</div>}
      </div>
      <div role="cell" style={cell}>
        <StatusBadge status={step.status} />
      </div>
      <div role="cell" style={{ ...cell, overflowWrap: 'anywhere' }}>
        {formatValue(step.output)}
      </div>
      <div role="cell" style={cell}>
        {durationBetween(step.startedAt, step.endedAt)}
      </div>
    </div>
  );
});

/**
 * Steps grouped by phase and iteration, as one table whose rows are drawn only while on screen, so a
 * 10,000-step run scrolls smoothly. While the run goes on, the newest step stays in view unless the
 * reader scrolled in the last 5 s.
 */
export function RunSteps({ run, follow }: { run: Run; follow: boolean }) {
  const lines = useMemo(() => stepLines(run), [run]);
  const scroller = useRef<HTMLDivElement>(null);
  const touched = useRef(0);
  const virtual = useVirtualizer({ count: lines.length, getScrollElement: () => scroller.current, estimateSize: (i) => (lines[i].kind === 'group' ? 40 : 44), overscan: 12, scrollMargin: HEADER_HEIGHT });
  useEffect(() => {
    if (follow && lines.length > 0 && Date.now() - touched.current > 5_000) virtual.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [follow, lines.length, virtual]);
  if (lines.length === 0) return <Text>No step has run yet.</Text>;
  const userScrolled = () => {
    touched.current = Date.now();
  };
  return (
    <Box
      ref={scroller}
      role="table"
      aria-label="Steps"
      aria-rowcount={lines.length + 1}
      tabIndex={0}
      onWheel={userScrolled}
      onTouchMove={userScrolled}
      onKeyDown={userScrolled}
      onPointerDown={userScrolled}
      style={{ maxHeight: '65vh', overflowY: 'auto', border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}
    >
      <Box
        role="row"
        aria-rowindex={1}
        style={{ display: 'grid', gridTemplateColumns: COLUMNS, position: 'sticky', top: 0, zIndex: 1, background: 'var(--mantine-color-body)', borderBottom: '1px solid var(--mantine-color-default-border)', fontWeight: 700 }}
      >
        {HEADERS.map((h) => (
          <Box key={h} role="columnheader" px="sm" py={8} fz="sm" h={HEADER_HEIGHT}>
            {h}
          </Box>
        ))}
      </Box>
      <div role="rowgroup" style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const line = lines[item.index];
            const place = { position: 'absolute' as const, top: 0, left: 0, right: 0, transform: `translateY(${item.start - HEADER_HEIGHT}px)` };
            if (line.kind === 'group') {
              return (
                <Box key={item.key} ref={virtual.measureElement} data-index={item.index} role="row" aria-rowindex={item.index + 2} style={{ ...place, background: 'var(--mantine-color-default-hover)' }}>
                  <Box role="cell" aria-colspan={5} px="sm" py={8} fw={700}>
                    {line.label}
                  </Box>
                </Box>
              );
            }
            return <StepRow key={item.key} step={line.step} index={item.index} start={item.start - HEADER_HEIGHT} measure={virtual.measureElement} />;
          })}
      </div>
    </Box>
  );
}
