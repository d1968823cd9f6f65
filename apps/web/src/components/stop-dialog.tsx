import { Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { StopChoice } from '../lib/run-commands';

interface Props {
  when: 'after-iteration' | 'now' | undefined;
  onClose: () => void;
  onStop: (choice: StopChoice) => void;
}

/** Stop semantics in words: after this iteration (cleanup optional) or now (no cleanup); the queue. */
export function StopDialog({ when, onClose, onStop }: Props) {
  const [cleanup, setCleanup] = useState(true);
  const [continueQueue, setContinueQueue] = useState(true);
  return (
    <Modal opened={!!when} onClose={onClose} title={when === 'now' ? 'Stop now?' : 'Stop after this iteration?'}>
      <Stack>
        <Text>
          {when === 'now'
            ? 'The run stops at the next step boundary: the call in progress is not interrupted, the remaining steps and cleanup are skipped, and the deck returns to its safe state.'
            : 'The current iteration finishes, then the run stops.'}
        </Text>
        {when === 'after-iteration' && <Checkbox label="Run cleanup afterwards" checked={cleanup} onChange={(e) => setCleanup(e.currentTarget.checked)} />}
        <Checkbox label="Start the next queued run afterwards" checked={continueQueue} onChange={(e) => setContinueQueue(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={() => onStop(when === 'now' ? { when: 'now', continueQueue } : { when: 'after-iteration', cleanup, continueQueue })}>
            Stop run
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
