import type { ActionSchema, DeckSchema, ParamSchema, ReturnFormat } from '@ivoryos/contracts';

/** A small deck for specs, shaped like introspection output for IvoryOS's abstract_sdl example. */

const none: ReturnFormat = { kind: 'none', types: [], annotation: 'None' };
const scalar = (type: string): ReturnFormat => ({ kind: 'scalar', types: [type], annotation: type });
const param = (name: string, type: ParamSchema['type'], extra: Partial<ParamSchema> = {}): ParamSchema => ({ name, type, required: true, ...extra });
const method = (name: string, params: ParamSchema[], returns: ReturnFormat = none, kind: ActionSchema['kind'] = 'method'): ActionSchema => ({
  name, kind, params, async: true, returns,
});

export const demoSchema: DeckSchema = {
  schemaVersion: 1,
  deck: 'abstract_sdl',
  hash: 'test',
  instruments: {
    'deck.sdl': {
      name: 'deck.sdl',
      actions: {
        dose_solid: method('dose_solid', [param('amount_in_mg', 'float'), param('bring_in', 'bool', { required: false, default: false })], scalar('float')),
        dose_solvent: method('dose_solvent', [
          param('solvent_name', 'Enum:abstract_sdl.Solvent', { choices: [{ name: 'METHANOL', value: 'methanol' }, { name: 'WATER', value: 'water' }] }),
          param('amount_in_ml', 'float'),
          param('rate_ml_per_minute', 'float', { required: false, default: 1 }),
        ]),
        analyze: method('analyze', [param('param_1', 'int'), param('param_2', 'int')], scalar('float')),
        multi: method('multi', [], { kind: 'tuple', types: ['int', 'float', 'str'], annotation: 'tuple[int, float, str]', variable_length: false, arity: 3 }),
        reset: method('reset', []),
        set_mode: method('set_mode', [param('mode', 'Literal:Fast,Slow', { choices: [{ name: 'Fast', value: 'Fast' }, { name: 'Slow', value: 'Slow' }] })]),
        label: method('label', [param('text', ['str', 'NoneType'], { required: false, default: null })]),
        raw: method('raw', [param('value', '')], { kind: 'scalar', types: [], annotation: '' }),
      },
    },
    'deck.heater': {
      name: 'deck.heater',
      actions: {
        temperature: method('temperature', [], scalar('float'), 'getter'),
        'temperature_(setter)': method('temperature_(setter)', [param('value', 'float')], none, 'setter'),
      },
    },
  },
};
