import { Alert, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { $api, errorText, fetchClient, fieldErrors } from '../../../api/client';
import { AnchorLink } from '../../../components/links';
import { PageTitle } from '../../../components/page-title';
import { useMe } from '../../../lib/me';

export const Route = createFileRoute('/_app/design/')({ component: NewWorkflow });

/** Starts a workflow: a name and the deck it is designed against; then the designer opens. */
function NewWorkflow() {
  const me = useMe();
  const navigate = useNavigate();
  const decks = $api.useQuery('get', '/api/decks');
  const [name, setName] = useState('');
  const [deck, setDeck] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    const { error } = await fetchClient.POST('/api/workflows', {
      body: { name, ...(deck ? { deck } : {}), script_dict: { prep: [], script: [], cleanup: [] } },
    });
    if (error) {
      setErrors(fieldErrors(error));
      setMessage(errorText(error));
      return;
    }
    await navigate({ to: '/design/$workflow', params: { workflow: name }, search: { phase: 'script' } });
  };
  return (
    <Stack>
      <PageTitle>Design</PageTitle>
      <Text>
        Open a workflow from the <AnchorLink to="/library">Library</AnchorLink>, or start a new one.
      </Text>
      {me.canOperate && (
        <form onSubmit={create} aria-label="New workflow">
          <Group align="flex-start">
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} required />
            <Select label="Deck" data={(decks.data?.items ?? []).map((d) => d.name)} value={deck} onChange={setDeck} error={errors.deck} />
            <Button type="submit" mt={25}>
              Create workflow
            </Button>
          </Group>
          {message && !Object.keys(errors).length && <Alert color="red" mt="xs">{message}</Alert>}
        </form>
      )}
    </Stack>
  );
}
