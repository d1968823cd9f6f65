import { CONTRACT_VERSION, type RunCommand } from '@ivoryos/contracts';
import { applyCommand, commandAnswer, parseRunCommand, type Controls } from './run-commands';

const base: RunCommand = { schemaVersion: CONTRACT_VERSION, commandId: 'c1', runId: 'r1', type: 'pause', promptId: null, stop: null, issuedBy: 'ann', issuedAt: '2026-01-01T00:00:00.000Z' };

describe('parseRunCommand', () => {
  it('reads the gateway command JSON', () => {
    expect(parseRunCommand(JSON.stringify(base))).toEqual({ ok: true, command: { ...base, value: undefined } });
    const stop = { ...base, type: 'stop', stop: { when: 'now', cleanup: false, continueQueue: true } };
    expect(parseRunCommand(JSON.stringify(stop))).toMatchObject({ ok: true, command: { type: 'stop', stop: { when: 'now', cleanup: false } } });
    expect(parseRunCommand(JSON.stringify({ ...base, type: 'input', value: [1, 2], promptId: 'p' }))).toMatchObject({ ok: true, command: { value: [1, 2], promptId: 'p' } });
  });

  it('keeps an input value of any JSON type as it came', () => {
    for (const value of [0, false, null, 'text', [1, 'a', null], { nested: { list: [1.5] } }]) {
      expect(parseRunCommand(JSON.stringify({ ...base, type: 'input', promptId: 'p', value }))).toEqual({ ok: true, command: { ...base, type: 'input', promptId: 'p', value } });
    }
  });

  it('refuses what is not a command, naming the field', () => {
    expect(parseRunCommand(undefined)).toEqual({ ok: false, error: 'payload: not JSON' });
    expect(parseRunCommand('[]')).toEqual({ ok: false, error: 'payload: must be an object' });
    expect(parseRunCommand(JSON.stringify({ ...base, runId: '' }))).toMatchObject({ ok: false, error: expect.stringMatching(/^runId: /) });
    expect(parseRunCommand(JSON.stringify({ ...base, type: 'explode' }))).toMatchObject({ ok: false, error: expect.stringMatching(/^type: /) });
    expect(parseRunCommand(JSON.stringify({ ...base, type: 'stop' }))).toMatchObject({ ok: false, error: expect.stringContaining('stop: must be') });
    expect(parseRunCommand(JSON.stringify({ ...base, promptId: 3 }))).toMatchObject({ ok: false, error: expect.stringMatching(/^promptId: /) });
    expect(parseRunCommand(JSON.stringify({ ...base, schemaVersion: 7 }))).toEqual({ ok: false, error: 'schemaVersion: the message is contract version 7; this side speaks 1' });
  });
});

describe('applyCommand', () => {
  const called: string[] = [];
  const controls: Controls = {
    pause: () => (called.push('pause'), { accepted: true }),
    resume: (p) => (called.push(`resume ${p}`), { accepted: true }),
    retry: (p) => (called.push(`retry ${p}`), { accepted: true }),
    skip: (p) => (called.push(`skip ${p}`), { accepted: false, reason: 'nothing to skip' }),
    submitInput: (v, p) => (called.push(`input ${JSON.stringify(v)} ${p}`), { accepted: true }),
    stopAfterIteration: (o) => (called.push(`stop after ${JSON.stringify(o)}`), { accepted: true }),
    stopNow: () => (called.push('stop now'), { accepted: true }),
    insertTrial: (row) => (called.push(`trial ${JSON.stringify(row)}`), { accepted: true }),
  };

  it('maps each command type to its control, with the prompt id', () => {
    applyCommand(controls, base);
    applyCommand(controls, { ...base, type: 'resume' });
    applyCommand(controls, { ...base, type: 'retry', promptId: 'p1' });
    const skipped = applyCommand(controls, { ...base, type: 'skip', promptId: 'p2' });
    applyCommand(controls, { ...base, type: 'input', promptId: 'p3', value: '7' });
    applyCommand(controls, { ...base, type: 'stop', stop: { when: 'after-iteration', cleanup: false } });
    applyCommand(controls, { ...base, type: 'stop', stop: { when: 'now', cleanup: false } });
    applyCommand(controls, { ...base, type: 'trial', value: { parameters: { x: 2 } } });
    expect(applyCommand(controls, { ...base, type: 'trial', value: 3 })).toEqual({ accepted: false, reason: 'a trial needs { parameters }' });
    expect(called).toEqual(['pause', 'resume undefined', 'retry p1', 'skip p2', 'input "7" p3', 'stop after {"cleanup":false}', 'stop now', 'trial {"x":2}']);
    expect(commandAnswer({ ...base, type: 'skip' }, skipped)).toEqual({ type: 'command', commandId: 'c1', command: 'skip', outcome: 'refused', reason: 'nothing to skip' });
    expect(commandAnswer(base, { accepted: true })).toEqual({ type: 'command', commandId: 'c1', command: 'pause', outcome: 'applied', reason: null });
  });
});
