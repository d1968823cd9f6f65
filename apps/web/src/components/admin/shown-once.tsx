import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

/** A secret the API returns once (an API key, a deck token): copy it now, it will not be shown again. */
export function ShownOnce({ label, secret, onClose }: { label: string; secret: string; onClose: () => void }) {
  return (
    <Stack>
      <Alert color="orange" title={`Copy the ${label} now`}>
        It will not be shown again: the gateway keeps only a hash of it.
      </Alert>
      <Code block>{secret}</Code>
      <Group justify="flex-end">
        <CopyButton value={secret}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
        <Button variant="default" onClick={onClose}>
          Done
        </Button>
      </Group>
      <Text size="sm">Store it where the script, LIMS or agent reads it.</Text>
    </Stack>
  );
}
