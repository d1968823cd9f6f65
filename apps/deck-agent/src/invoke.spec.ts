import type { ActionSchema, DeckSchema, ParamSchema } from '@ivoryos/contracts';
import { ActionNotFoundError, createInvoker, InvalidArgumentsError, mapArguments } from './invoke';

const param = (name: string, required: boolean): ParamSchema => ({ name, type: 'float', required });
const NONE = { kind: 'none' as const, types: [], annotation: '' };
const action = (name: string, params: ParamSchema[], kind: ActionSchema['kind'] = 'method'): ActionSchema => ({ name, kind, params, async: false, returns: NONE });

describe('mapArguments', () => {
  const dose = action('dose', [param('amount', true), param('rate', false), param('solvent', false)]);

  it('orders keyword arguments by the schema, whatever order they came in', () => {
    expect(mapArguments(dose, { solvent: 'water', rate: 2, amount: 5 })).toEqual({ ok: true, args: [5, 2, 'water'] });
  });

  it('passes undefined for a missing optional parameter so its default applies, and drops trailing ones', () => {
    expect(mapArguments(dose, { amount: 5, solvent: 'water' })).toEqual({ ok: true, args: [5, undefined, 'water'] });
    expect(mapArguments(dose, { amount: 5 })).toEqual({ ok: true, args: [5] });
  });

  it('keeps an explicit null (it is a value, not a missing argument)', () => {
    expect(mapArguments(dose, { amount: 5, rate: null })).toEqual({ ok: true, args: [5, null] });
  });

  it('refuses unknown and missing required arguments, naming them', () => {
    expect(mapArguments(dose, { amount: 1, speed: 2 })).toEqual({ ok: false, error: "unknown argument 'speed'" });
    expect(mapArguments(dose, { rate: 2 })).toEqual({ ok: false, error: "missing required argument 'amount'" });
  });

  it('does not treat inherited object keys as arguments', () => {
    expect(mapArguments(action('f', [param('toString', false)]), {})).toEqual({ ok: true, args: [] });
  });
});

describe('createInvoker', () => {
  class Stage {
    position = 0;
    calls: unknown[][] = [];
    move(to: number, speed = 10): string {
      this.calls.push([to, speed]);
      this.position = to;
      return `moved to ${to} at ${speed}`;
    }
    async home(): Promise<number> {
      this.position = 0;
      return this.position;
    }
    get where(): number {
      return this.position;
    }
    set where(value: number) {
      this.position = value;
    }
    fail(): void {
      throw new Error('motor stalled');
    }
    secret(): string {
      return 'not in the schema';
    }
  }

  const schema: DeckSchema = {
    schemaVersion: 1,
    deck: 'lab',
    hash: 'h',
    instruments: {
      'deck.stage': {
        name: 'deck.stage',
        actions: {
          move: action('move', [param('to', true), param('speed', false)]),
          home: { ...action('home', []), async: true },
          where: action('where', [], 'getter'),
          'where_(setter)': action('where_(setter)', [param('value', true)], 'setter'),
          fail: action('fail', []),
        },
      },
    },
  };

  const setup = () => {
    const stage = new Stage();
    return { stage, invoker: createInvoker({ stage }, schema) };
  };

  it('calls a method with positional arguments and lets defaults apply', async () => {
    const { stage, invoker } = setup();
    await expect(invoker.invoke('deck.stage', 'move', { to: 3 })).resolves.toBe('moved to 3 at 10');
    await expect(invoker.invoke('deck.stage', 'move', { speed: 1, to: 4 })).resolves.toBe('moved to 4 at 1');
    expect(stage.calls).toEqual([[3, 10], [4, 1]]);
  });

  it('awaits async methods', async () => {
    const { stage, invoker } = setup();
    stage.position = 7;
    await expect(invoker.invoke('deck.stage', 'home', {})).resolves.toBe(0);
  });

  it('reads a getter and assigns a setter', async () => {
    const { stage, invoker } = setup();
    await expect(invoker.invoke('deck.stage', 'where_(setter)', { value: 12 })).resolves.toBeUndefined();
    expect(stage.position).toBe(12);
    await expect(invoker.invoke('deck.stage', 'where', {})).resolves.toBe(12);
  });

  it('lets driver errors propagate', async () => {
    await expect(setup().invoker.invoke('deck.stage', 'fail', {})).rejects.toThrow('motor stalled');
  });

  it('cannot reach a method that is not in the schema, even if the object has it', async () => {
    const { invoker } = setup();
    await expect(invoker.invoke('deck.stage', 'secret', {})).rejects.toBeInstanceOf(ActionNotFoundError);
    await expect(invoker.invoke('deck.stage', 'constructor', {})).rejects.toBeInstanceOf(ActionNotFoundError);
    await expect(invoker.invoke('deck.nothing', 'move', {})).rejects.toBeInstanceOf(ActionNotFoundError);
  });

  it('refuses bad arguments before calling', async () => {
    const { stage, invoker } = setup();
    await expect(invoker.invoke('deck.stage', 'move', { speed: 1 })).rejects.toBeInstanceOf(InvalidArgumentsError);
    expect(stage.calls).toEqual([]);
  });
});
