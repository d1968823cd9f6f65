import { runJob, step, workflow } from '../testing/workflow-builders';
import { parseRunJob } from './run-job-payload';

const job = runJob('lab', workflow([step('deck.bench', 'noop')]), { runId: 'r1' });
const expectJob = { deck: 'lab', jobId: 'r1' };

describe('parseRunJob', () => {
  it('accepts the gateway payload as it is, resume included', () => {
    expect(parseRunJob(job, expectJob)).toEqual({ ok: true, job });
    const resumed = { ...job, resume: { checkpoint: { any: 'thing' }, lastSeq: 12 } };
    expect(parseRunJob(resumed, expectJob)).toEqual({ ok: true, job: resumed });
    const { resume: _none, ...withoutResume } = job;
    expect(parseRunJob(withoutResume, expectJob)).toEqual({ ok: true, job: { ...job, resume: null } });
  });

  it('names every problem at once', () => {
    const bad = { ...job, deck: 'other', runId: 'r2', workflow: { script_dict: { prep: [] } }, mode: 'loop', repeat: -1, batchSize: 0, onError: 'ignore', parameters: 'rows', resume: { lastSeq: 'x' } };
    const result = parseRunJob(bad, expectJob);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      "deck: 'other' is not this agent's deck 'lab'",
      "runId: 'r2' differs from the job id 'r1'",
      'workflow: must hold script_dict with prep, script and cleanup lists',
      'mode: must be one of repeat, parameters, optimizer',
      'repeat: must be a whole number >= 0',
      'parameters: must be a list of rows or null',
      'batchSize: must be a whole number >= 1',
      'onError: must be one of wait, skip, stop',
      'resume: must be null or { checkpoint, lastSeq }',
    ]);
    expect(parseRunJob(null, expectJob)).toEqual({ ok: false, errors: ['payload: must be an object'] });
  });

  it('needs rows for a parameters run', () => {
    expect(parseRunJob({ ...job, mode: 'parameters' }, expectJob)).toEqual({ ok: false, errors: ['parameters: a parameters run needs its rows'] });
    expect(parseRunJob({ ...job, mode: 'parameters', parameters: [{ x: 1 }] }, expectJob).ok).toBe(true);
  });
});
