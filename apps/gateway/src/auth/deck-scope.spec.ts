import { foreignDeck } from './deck-scope';

describe('foreignDeck', () => {
  it('passes requests that name no deck or only the scoped one', () => {
    expect(foreignDeck('lab-a', {})).toBeUndefined();
    expect(foreignDeck('lab-a', { params: { deck: 'lab-a' }, query: { deck: 'lab-a' } })).toBeUndefined();
    expect(foreignDeck('lab-a', { params: { name: 'wf' }, query: { status: 'running' } })).toBeUndefined();
  });

  it('names the other deck from the path or the query', () => {
    expect(foreignDeck('lab-a', { params: { deck: 'lab-b' } })).toBe('lab-b');
    expect(foreignDeck('lab-a', { query: { deck: 'lab-b' } })).toBe('lab-b');
    expect(foreignDeck('lab-a', { params: { deck: 'lab-a' }, query: { deck: 'lab-b' } })).toBe('lab-b');
  });

  it('catches a repeated query parameter', () => {
    expect(foreignDeck('lab-a', { query: { deck: ['lab-a', 'lab-b'] } })).toBe('lab-b');
  });

  it('is exact: no case folding, no prefixes', () => {
    expect(foreignDeck('lab-a', { params: { deck: 'LAB-A' } })).toBe('LAB-A');
    expect(foreignDeck('lab-a', { query: { deck: 'lab-a2' } })).toBe('lab-a2');
  });
});
