import type { EntityManager } from '@mikro-orm/postgresql';
import type { RunCommandRecord } from '@ivoryos/db';
import type { DeckRegistryService } from '../../decks/deck-registry.service';
import type { RunCommandSender } from '../../transport/run-command.sender';
import type { RunStreamHub, RunWatcher } from '../live/run-stream-hub';
import { RunControlsService } from './run-controls.service';

/** The answer to a control is read when the run's events are committed, not on a fast timer. */
describe('RunControlsService: waiting for the agent to answer a control', () => {
  const record = { id: 'cmd-1', runId: 'run-1', type: 'pause' } as RunCommandRecord;
  let answered: { answeredAt: Date; outcome: string; reason: string | null } | null;
  let reads: number;
  let watchers: RunWatcher[];

  const service = (): RunControlsService => {
    const em = { fork: () => ({ findOne: async () => (reads++, answered) }) } as unknown as EntityManager;
    const hub = {
      watch: (runId: string, w: RunWatcher) => {
        if (runId === record.runId) watchers.push(w);
        return () => (watchers = watchers.filter((x) => x !== w));
      },
    } as unknown as RunStreamHub;
    return new RunControlsService(em, {} as RunCommandSender, {} as DeckRegistryService, hub);
  };
  const awaitAnswer = (s: RunControlsService) => (s as unknown as { awaitAnswer(r: RunCommandRecord): Promise<unknown> }).awaitAnswer(record);

  beforeEach(() => {
    answered = null;
    reads = 0;
    watchers = [];
  });

  it('reads the record once when the run is updated, not every few milliseconds meanwhile', async () => {
    const waiting = awaitAnswer(service());
    await new Promise((r) => setTimeout(r, 300));
    // One read at the start; a 25 ms poll would have made about 12.
    expect(reads).toBe(1);
    answered = { answeredAt: new Date(), outcome: 'applied', reason: null };
    for (const w of watchers) w.wake();
    await expect(waiting).resolves.toEqual({ commandId: 'cmd-1', type: 'pause', answered: true, outcome: 'applied' });
    expect(reads).toBe(2);
    expect(watchers).toEqual([]);
  });

  it('answers at once when the record was answered before the wait began', async () => {
    answered = { answeredAt: new Date(), outcome: 'refused', reason: 'not running' };
    await expect(awaitAnswer(service())).resolves.toEqual({ commandId: 'cmd-1', type: 'pause', answered: true, outcome: 'refused', reason: 'not running' });
    expect(watchers).toEqual([]);
  });
});
