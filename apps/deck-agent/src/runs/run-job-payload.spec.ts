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

  it('names every problem of the shape at once, by path', () => {
    const bad = { ...job, workflow: { script_dict: { prep: [] } }, mode: 'loop', repeat: -1, batchSize: 0, onError: 'ignore', parameters: 'rows', resume: { lastSeq: 'x' } };
    const result = parseRunJob(bad, expectJob);
    expect(result.ok).toBe(false);
    const paths = !result.ok ? result.errors.map((e) => e.split(':')[0]) : [];
    expect(paths).toEqual(['workflow', 'mode', 'repeat', 'parameters', 'batchSize', 'onError', 'resume.checkpoint', 'resume.lastSeq']);
    expect(!result.ok && result.errors[0]).toBe('workflow: must hold script_dict with prep, script and cleanup lists');
    expect(parseRunJob(null, expectJob)).toEqual({ ok: false, errors: ['payload: must be an object'] });
  });

  it('refuses a well-formed job for another deck or under another job id', () => {
    expect(parseRunJob({ ...job, deck: 'other', runId: 'r2' }, expectJob)).toEqual({
      ok: false, errors: ["deck: 'other' is not this agent's deck 'lab'", "runId: 'r2' differs from the job id 'r1'"],
    });
  });

  it('refuses a job of another contract version, naming both versions', () => {
    expect(parseRunJob({ ...job, schemaVersion: 2 }, expectJob)).toEqual({ ok: false, errors: ['schemaVersion: the message is contract version 2; this side speaks 1'] });
    const { schemaVersion: _v, ...unversioned } = job;
    expect(parseRunJob(unversioned, expectJob)).toMatchObject({ ok: false, errors: [expect.stringContaining('names no contract version')] });
  });

  it('keeps any JSON a resume checkpoint holds, null included', () => {
    const resumed = { ...job, resume: { checkpoint: null, lastSeq: 3 } };
    expect(parseRunJob(resumed, expectJob)).toEqual({ ok: true, job: resumed });
  });

  it('needs rows for a parameters run', () => {
    expect(parseRunJob({ ...job, mode: 'parameters' }, expectJob)).toEqual({ ok: false, errors: ['parameters: a parameters run needs its rows'] });
    expect(parseRunJob({ ...job, mode: 'parameters', parameters: [{ x: 1 }] }, expectJob).ok).toBe(true);
  });
});
