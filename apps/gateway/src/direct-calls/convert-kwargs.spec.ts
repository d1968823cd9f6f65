import type { ActionSchema } from '@ivoryos/contracts';
import { convertKwargs } from './convert-kwargs';

const analyze: ActionSchema = {
  name: 'analyze', kind: 'method', async: false, returns: { kind: 'scalar', types: ['float'], annotation: 'number' },
  params: [
    { name: 'param_1', type: 'int', required: true },
    { name: 'param_2', type: 'int', required: true },
  ],
};
const dose: ActionSchema = {
  name: 'dose_solvent', kind: 'method', async: false, returns: { kind: 'scalar', types: ['float'], annotation: 'number' },
  params: [
    { name: 'solvent_name', type: ['Enum:abstract_sdl.Solvent', 'NoneType'], required: false, default: null, choices: [{ name: 'Methanol', value: 'Methanol' }, { name: 'Ethanol', value: 'Ethanol' }] },
    { name: 'amount_in_ml', type: 'float', required: false, default: 5 },
    { name: 'label', type: 'str', required: false, default: '' },
    { name: 'dry', type: 'bool', required: false, default: false },
  ],
};

describe('convertKwargs', () => {
  it('converts strings from forms by type, fixing IvoryOS quirks', () => {
    expect(convertKwargs(analyze, { param_1: '3', param_2: 4 })).toEqual({ ok: true, kwargs: { param_1: 3, param_2: 4 } });
    expect(convertKwargs(dose, { label: '5', dry: 'false', amount_in_ml: '2.5' })).toEqual({ ok: true, kwargs: { label: '5', dry: false, amount_in_ml: 2.5 } });
  });

  it('refuses a fractional string for int, naming the argument', () => {
    const res = convertKwargs(analyze, { param_1: '2.7', param_2: 1 });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.errors.map((e) => e.path)).toEqual(['param_1']);
  });

  it('accepts enum members by name or value and optional None', () => {
    expect(convertKwargs(dose, { solvent_name: 'Ethanol' })).toEqual({ ok: true, kwargs: { solvent_name: 'Ethanol' } });
    expect(convertKwargs(dose, { solvent_name: 'None' })).toEqual({ ok: true, kwargs: { solvent_name: null } });
    const bad = convertKwargs(dose, { solvent_name: 'Water' });
    expect(!bad.ok && bad.errors[0].path).toBe('solvent_name');
  });

  it('reports every missing and unknown argument at once', () => {
    const res = convertKwargs(analyze, { param_2: 'x', colour: 'red' });
    expect(!res.ok && res.errors.map((e) => e.path).sort()).toEqual(['colour', 'param_1', 'param_2']);
  });

  it('leaves optional arguments out so the driver default applies, and refuses non-objects', () => {
    expect(convertKwargs(dose, {})).toEqual({ ok: true, kwargs: {} });
    expect(convertKwargs(dose, undefined)).toEqual({ ok: true, kwargs: {} });
    expect(convertKwargs(dose, [1])).toEqual({ ok: false, errors: [{ path: 'body', message: expect.any(String) }] });
  });
});
