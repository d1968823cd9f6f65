import type { WorkflowAction, WorkflowDocument } from '@ivoryos/contracts';

/** Workflows quoted verbatim in the IvoryOS behaviour reference, shared by specs. */

/** The IvoryOS example workflow of §2.1 (example.json), verbatim. */
export const EXAMPLE: WorkflowDocument = {
  author: 'admin', deck: 'abstract_sdl', editing_type: 'script', name: 'example', status: 'editing',
  id_order: { cleanup: [], prep: [], script: ['1', '2', '3'] },
  last_modified: '2024-10-21 19:38:26', time_created: '2024-08-23 13:08:24',
  script_dict: {
    cleanup: [], prep: [],
    script: [
      { action: 'dose_solid', arg_types: { amount_in_mg: 'float', bring_in: 'bool' }, args: { amount_in_mg: '#amount', bring_in: true }, id: 1, instrument: 'deck.sdl', return: 'mass', uuid: 261030629863609 },
      { action: 'dose_solvent', arg_types: { amount_in_ml: 'float', rate_ml_per_minute: 'float', solvent_name: 'str' }, args: { amount_in_ml: '#rate', rate_ml_per_minute: '1', solvent_name: '#solvent' }, id: 2, instrument: 'deck.sdl', return: '', uuid: 3172645547849 },
      { action: 'analyze', arg_types: {}, args: {}, id: 3, instrument: 'deck.sdl', return: '', uuid: 247646290926505 },
    ],
  },
};

/** The flow-control example of §2.2 (cf_demo), verbatim. */
export const CF_DEMO: WorkflowAction[] = [
  { id: 1, instrument: 'variable', action: 'n', args: { statement: 3 }, return: '', uuid: 84247700573727, arg_types: { statement: 'int' } },
  { id: 2, instrument: 'repeat', action: 'repeat', args: { statement: '#n' }, return: '', uuid: 27620239406852, arg_types: { statement: 'int' } },
  { id: 3, instrument: 'deck.sdl', action: 'analyze', args: { param_1: '#p1', param_2: 1 }, return: 'score', arg_types: { param_1: 'int', param_2: 'int' }, uuid: 219322161132281 },
  { id: 4, instrument: 'if', action: 'if', args: { statement: 'score > 0.5' }, return: '', uuid: 119622517033217, arg_types: { statement: '' } },
  { id: 5, instrument: 'comment', action: 'comment', args: { statement: 'high #score' }, return: '', uuid: 11106499676735, arg_types: { statement: 'str' } },
  { id: 6, instrument: 'if', action: 'else', args: {}, return: '', uuid: 119622517033217 },
  { id: 7, instrument: 'pause', action: 'pause', args: { statement: 'Check vial' }, return: '', uuid: 117520093138973, arg_types: { statement: 'str' } },
  { id: 8, instrument: 'if', action: 'endif', args: {}, return: '', uuid: 119622517033217 },
  { id: 9, instrument: 'repeat', action: 'endrepeat', args: {}, return: '', uuid: 27620239406852 },
  { id: 10, instrument: 'math_variable', action: 'pct', args: { statement: '#score * 100' }, return: '', uuid: 130101082947997, arg_types: { statement: 'float' } },
  { id: 11, instrument: 'input', action: 'initials', args: { statement: 'Operator initials?' }, return: 'initials', uuid: 83914027102127, arg_types: { statement: 'str' } },
  { id: 12, instrument: 'deck.sdl', action: 'multi', args: {}, return: ['a', '', 'c'], arg_types: {}, return_format: { kind: 'tuple', types: ['int', 'float', 'str'], annotation: 'tuple[int, float, str]', variable_length: false, arity: 3 }, uuid: 128495139702412 },
];
