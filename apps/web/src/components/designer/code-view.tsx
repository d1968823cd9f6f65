import { Alert, Code, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { WorkflowAction } from '@ivoryos/contracts';
import { errorText, fetchClient } from '../../api/client';

interface Props {
  name: string;
  deck: string | undefined;
  scriptDict: Record<'prep' | 'script' | 'cleanup', WorkflowAction[]>;
}

/** The unsaved workflow as readable TypeScript, rendered by the gateway. Loaded only when its tab opens. */
export default function CodeView({ name, deck, scriptDict }: Props) {
  const { data, error, isLoading } = useQuery({
    queryKey: ['render', name, deck, JSON.stringify(scriptDict)],
    queryFn: async () => {
      const { data: code, error: failed } = await fetchClient.POST('/api/workflows/render', {
        body: { deck, workflow: { name, deck, script_dict: scriptDict as never } },
      });
      if (failed || !code) throw new Error(errorText(failed));
      return code.code;
    },
  });
  if (isLoading) return <Loader size="sm" aria-label="Rendering the code" />;
  if (error) return <Alert color="red">{error.message}</Alert>;
  return (
    <Code block aria-label="TypeScript" tabIndex={0} style={{ maxHeight: 520, overflow: 'auto' }}>
      {data}
    </Code>
  );
}
