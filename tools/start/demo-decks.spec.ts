import { demoDecks } from './demo-decks';

describe('IVORYOS_DEMO_DECKS (npm start)', () => {
  it('starts both demo decks by default when python3 is here, only the TypeScript one when it is not', () => {
    expect(demoDecks(undefined, true)).toEqual({ ts: true, py: true, unknown: [] });
    expect(demoDecks('', false)).toEqual({ ts: true, py: false, unknown: [] });
  });

  it('takes ts, py or both, in any case and order, and names what it does not know', () => {
    expect(demoDecks('py', true)).toEqual({ ts: false, py: true, unknown: [] });
    expect(demoDecks(' PY , ts ', true)).toEqual({ ts: true, py: true, unknown: [] });
    expect(demoDecks('ts,rust', true)).toEqual({ ts: true, py: false, unknown: ['rust'] });
  });
});
