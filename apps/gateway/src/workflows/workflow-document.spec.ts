import type { ScriptDict, WorkflowAction } from '@ivoryos/contracts';
import { Workflow } from '@ivoryos/db';
import {
  formatIvoryosTime, normaliseImport, parseIvoryosTime, repairIdOrder, toDocument,
} from './workflow-document';

const act = (id: number, extra: Partial<WorkflowAction> = {}): WorkflowAction => ({
  id, uuid: 1000 + id, instrument: 'deck.sdl', action: 'analyze', args: {}, ...extra,
});

describe('IvoryOS times', () => {
  it('formats as YYYY-MM-DD HH:MM:SS (UTC) and parses back', () => {
    const d = new Date(Date.UTC(2024, 9, 21, 19, 38, 26));
    expect(formatIvoryosTime(d)).toBe('2024-10-21 19:38:26');
    expect(parseIvoryosTime('2024-10-21 19:38:26')?.toISOString()).toBe('2024-10-21T19:38:26.000Z');
  });

  it('rejects what is not such a time', () => {
    expect(parseIvoryosTime('yesterday')).toBeUndefined();
    expect(parseIvoryosTime(42)).toBeUndefined();
    expect(parseIvoryosTime('2024-13-45 10:00:00')).toBeUndefined();
    expect(parseIvoryosTime('2024-02-30 10:00:00')).toBeUndefined();
  });
});

describe('repairIdOrder', () => {
  const dict: ScriptDict = { prep: [act(1)], script: [act(1), act(2), act(3)], cleanup: [] };

  it('keeps a valid order', () => {
    expect(repairIdOrder(dict, { prep: ['1'], script: ['3', '1', '2'], cleanup: [] }).script).toEqual(['3', '1', '2']);
  });

  it('resets a stale order (missing, duplicate or unknown ids) to list order', () => {
    expect(repairIdOrder(dict, { script: ['1', '2'] }).script).toEqual(['1', '2', '3']);
    expect(repairIdOrder(dict, { script: ['1', '1', '2'] }).script).toEqual(['1', '2', '3']);
    expect(repairIdOrder(dict, { script: ['1', '2', '9'] }).script).toEqual(['1', '2', '3']);
  });

  it('fills missing phases and accepts numeric ids', () => {
    expect(repairIdOrder(dict, undefined)).toEqual({ prep: ['1'], script: ['1', '2', '3'], cleanup: [] });
    expect(repairIdOrder(dict, { script: [2, 1, 3] as unknown as string[] }).script).toEqual(['2', '1', '3']);
  });
});

describe('normaliseImport', () => {
  it('splits known keys from the ones kept verbatim', () => {
    const { known, extra, errors } = normaliseImport({ name: 'x', python_script: { script: 'pass' }, future_key: [1] });
    expect(errors).toEqual([]);
    expect(known.name).toBe('x');
    expect(extra).toEqual({ python_script: { script: 'pass' }, future_key: [1] });
  });

  it('parses a script_dict stored as text and fills missing phases', () => {
    const { known } = normaliseImport({ name: 'x', script_dict: JSON.stringify({ script: [act(1)] }) });
    expect(known.script_dict).toEqual({ prep: [], script: [act(1)], cleanup: [] });
  });

  it('reports text that is not JSON, unknown phases and a body that is not an object', () => {
    expect(normaliseImport({ script_dict: '{oops' }).errors).toEqual([{ path: 'script_dict', message: expect.stringContaining('not valid JSON') }]);
    expect(normaliseImport({ script_dict: { main: [] } }).errors[0].path).toBe('script_dict.main');
    expect(normaliseImport([1, 2]).errors[0].path).toBe('body');
    expect(normaliseImport(null).errors[0].path).toBe('body');
  });

  it('turns numeric id_order entries into text and null returns into no return', () => {
    const { known } = normaliseImport({ id_order: { script: [1, 2] }, script_dict: { script: [act(1, { return: null as unknown as string }), { ...act(2), args: null }] } });
    expect(known.id_order).toEqual({ prep: [], script: ['1', '2'], cleanup: [] });
    const script = (known.script_dict as ScriptDict).script;
    expect(script[0].return).toBe('');
    expect(script[1].args).toEqual({});
  });
});

describe('toDocument', () => {
  it('writes the IvoryOS shape with sorted keys and the kept extra keys', () => {
    const w = new Workflow();
    Object.assign(w, {
      name: 'example', deck: 'abstract_sdl', author: 'admin', uuid: 'u-1',
      scriptDict: { prep: [], script: [act(1, { return: 'mass' })], cleanup: [] },
      idOrder: { prep: [], script: ['1'], cleanup: [] },
      extra: { python_script: { script: 'x' } },
      createdAt: new Date(Date.UTC(2024, 7, 23, 13, 8, 24)), modifiedAt: new Date(Date.UTC(2024, 9, 21, 19, 38, 26)),
    });
    const doc = toDocument(w);
    expect(Object.keys(doc)).toEqual([...Object.keys(doc)].sort());
    expect(doc).toMatchObject({
      name: 'example', deck: 'abstract_sdl', status: 'editing', author: 'admin', registered: false, editing_type: 'script',
      time_created: '2024-08-23 13:08:24', last_modified: '2024-10-21 19:38:26', python_script: { script: 'x' }, uuid: 'u-1',
    });
    expect(Object.keys(doc.script_dict.script[0])).toEqual(['action', 'args', 'id', 'instrument', 'return', 'uuid']);
  });
});
