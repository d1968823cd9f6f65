import { Alert, Code, Text } from '@mantine/core';
import { durationBetween } from '../lib/format';
import type { CallOutcome } from '../lib/direct-call';
import { ResultView } from './result-view';

/** The answer of a direct call, announced politely to screen readers. */
export function CallOutcomeView({ outcome, label }: { outcome: CallOutcome | undefined; label: string }) {
  return (
    <div aria-live="polite">
      {outcome?.kind === 'refused' && (
        <Alert color="red" title={`${label} was not run`}>
          {outcome.message}
        </Alert>
      )}
      {outcome?.kind === 'result' && outcome.result.success && (
        <Alert color="green" title={`${label} finished`}>
          <ResultView value={outcome.result.output} />
          <Text size="xs" mt={4}>
            {durationBetween(outcome.result.startedAt, outcome.result.endedAt)} · call {outcome.result.id.slice(0, 8)}
          </Text>
        </Alert>
      )}
      {outcome?.kind === 'result' && !outcome.result.success && (
        <Alert color="red" title={`${label} failed`}>
          <Code block>{outcome.result.error}</Code>
        </Alert>
      )}
    </div>
  );
}
