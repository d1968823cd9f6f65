import { CONTRACT_VERSION, type DeckSchema, type DirectCallJob } from '@ivoryos/contracts';
import { parseDirectCallJob, refuseBySchema } from './direct-call-payload';

const job: DirectCallJob = {
  schemaVersion: CONTRACT_VERSION, callId: 'c1', deck: 'lab', instrument: 'deck.pump', action: 'dose', kwargs: { ml: 1 }, deadline: 1_700_000_000_000, calledBy: 'alice',
};

describe('parseDirectCallJob', () => {
  it('accepts a well-formed payload for this deck', () => {
    expect(parseDirectCallJob(job, { deck: 'lab', jobId: 'c1' })).toEqual({ ok: true, job });
  });

  it('returns only the contract fields', () => {
    const parsed = parseDirectCallJob({ ...job, extra: 'x' }, { deck: 'lab', jobId: 'c1' });
    expect(parsed.ok && Object.keys(parsed.job).sort()).toEqual(Object.keys(job).sort());
  });

  it('lists every problem at once, by path', () => {
    const parsed = parseDirectCallJob({ schemaVersion: CONTRACT_VERSION, callId: '', deck: 'lab', instrument: 3, kwargs: [], deadline: 'soon' }, { deck: 'lab', jobId: undefined });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.map((e) => e.split(':')[0])).toEqual(['callId', 'instrument', 'action', 'kwargs', 'deadline', 'calledBy']);
  });

  it('refuses a payload of another contract version', () => {
    expect(parseDirectCallJob({ ...job, schemaVersion: 3 }, { deck: 'lab', jobId: 'c1' })).toEqual({ ok: false, errors: ['schemaVersion: the message is contract version 3; this side speaks 1'] });
  });

  it('refuses a payload for another deck, or whose call id is not the job id', () => {
    expect(parseDirectCallJob(job, { deck: 'other', jobId: 'c1' })).toEqual({ ok: false, errors: ["deck: 'lab' is not this agent's deck 'other'"] });
    expect(parseDirectCallJob(job, { deck: 'lab', jobId: '7' })).toEqual({ ok: false, errors: ["callId: 'c1' differs from the job id '7'"] });
  });

  it('refuses non-objects and non-finite deadlines', () => {
    expect(parseDirectCallJob(null, { deck: 'lab', jobId: 'c1' }).ok).toBe(false);
    expect(parseDirectCallJob([job], { deck: 'lab', jobId: 'c1' }).ok).toBe(false);
    expect(parseDirectCallJob({ ...job, deadline: Infinity }, { deck: 'lab', jobId: 'c1' }).ok).toBe(false);
  });
});

describe('refuseBySchema', () => {
  const schema: DeckSchema = {
    schemaVersion: 1,
    deck: 'lab',
    hash: 'h',
    instruments: {
      'deck.pump': {
        name: 'deck.pump',
        actions: { dose: { name: 'dose', kind: 'method', params: [{ name: 'ml', type: 'float', required: true }], async: false, returns: { kind: 'none', types: [], annotation: '' } } },
      },
    },
  };

  it('lets a call of a registered action with fitting arguments through', () => {
    expect(refuseBySchema(schema, job)).toBeUndefined();
  });

  it('refuses an instrument or action the registered schema does not have', () => {
    expect(refuseBySchema(schema, { ...job, instrument: 'deck.valve' })).toEqual({ reason: 'not-in-schema', error: "no instrument 'deck.valve' in the registered schema" });
    expect(refuseBySchema(schema, { ...job, action: '_private' })).toEqual({ reason: 'not-in-schema', error: "deck.pump has no action '_private' in the registered schema" });
    expect(refuseBySchema(schema, { ...job, action: 'hasOwnProperty' })?.reason).toBe('not-in-schema');
    expect(refuseBySchema(schema, { ...job, instrument: '__proto__' })?.reason).toBe('not-in-schema');
  });

  it('refuses unknown or missing arguments', () => {
    expect(refuseBySchema(schema, { ...job, kwargs: {} })).toEqual({ reason: 'invalid-arguments', error: "deck.pump.dose: missing required argument 'ml'" });
    expect(refuseBySchema(schema, { ...job, kwargs: { ml: 1, l: 2 } })?.reason).toBe('invalid-arguments');
  });
});
