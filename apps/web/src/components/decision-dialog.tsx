import { Alert, Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import type { JsonValue } from '@ivoryos/contracts';
import type { Schemas } from '../api/client';
import { formatTime } from '../lib/format';
import { waitingTitle } from './attention-button';
import { InputPrompt } from './input-prompt';

type Waiting = NonNullable<Schemas['RunResponse']['waiting']>;

export interface DecisionHandlers {
  retry: () => void;
  skip: () => void;
  resume: () => void;
  input: (value: JsonValue) => void;
  /** Absent where stopping is done elsewhere (the attention page sends you to the run). */
  stopNow?: () => void;
  busy: boolean;
}

/** The choices a waiting run offers, in words; the least destructive first. */
export function DecisionButtons({ waiting, handlers }: { waiting: Waiting; handlers: DecisionHandlers }) {
  const { kind } = waiting;
  return (
    <Stack gap="sm">
      {kind === 'input' && <InputPrompt inputType={waiting.inputType} message={waiting.message} onSubmit={handlers.input} busy={handlers.busy} />}
      <Group>
        {(kind === 'error' || kind === 'interrupted') && (
          <>
            <Button onClick={handlers.retry} disabled={handlers.busy} data-autofocus>
              Retry step
            </Button>
            <Button variant="default" onClick={handlers.skip} disabled={handlers.busy}>
              Skip step
            </Button>
          </>
        )}
        {kind === 'optimizer' && (
          <>
            <Button onClick={handlers.retry} disabled={handlers.busy} data-autofocus>
              Ask the optimizer again
            </Button>
            <Button variant="default" onClick={handlers.skip} disabled={handlers.busy}>
              Use the next design point
            </Button>
          </>
        )}
        {kind === 'pause' && (
          <Button onClick={handlers.resume} disabled={handlers.busy} data-autofocus>
            Resume
          </Button>
        )}
        {handlers.stopNow && (
          <Button color="red" variant="outline" onClick={handlers.stopNow} disabled={handlers.busy}>
            Stop now…
          </Button>
        )}
      </Group>
    </Stack>
  );
}

export function WaitingText({ waiting }: { waiting: Waiting }) {
  return (
    <Stack gap={4}>
      {waiting.kind === 'interrupted' && (
        <Text>The agent stopped while a step was running. It may or may not have run: check the instrument, then choose.</Text>
      )}
      {waiting.kind !== 'input' && (waiting.kind === 'error' ? <Code block>{waiting.message}</Code> : <Text>{waiting.message}</Text>)}
      <Text size="sm" c="dimmed">
        Waiting since {formatTime(waiting.since)}
      </Text>
    </Stack>
  );
}

/** The first-view dialog for a waiting run; "Decide later" puts it aside (the banner stays). */
export function DecisionDialog({ waiting, opened, onLater, handlers }: { waiting: Waiting; opened: boolean; onLater: () => void; handlers: DecisionHandlers }) {
  return (
    <Modal opened={opened} onClose={onLater} title={waitingTitle(waiting.kind)} size="lg" withCloseButton={false}>
      <Stack>
        <WaitingText waiting={waiting} />
        <DecisionButtons waiting={waiting} handlers={handlers} />
        <Group justify="flex-end">
          <Button variant="subtle" onClick={onLater}>
            Decide later
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Above the tabs while the run waits; reopens the dialog. */
export function WaitingBanner({ waiting, onOpen }: { waiting: Waiting; onOpen?: () => void }) {
  return (
    <Alert color="orange" title={waitingTitle(waiting.kind)} role="alert">
      <Stack gap="xs">
        <WaitingText waiting={waiting} />
        {onOpen && (
          <Group>
            <Button onClick={onOpen} variant="filled" color="orange">
              Answer…
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}
