import { resolve } from 'node:path';
import { DECK_AGENT_MARKER, shouldStartAgent } from './run';

describe('run() decides whether to start an agent', () => {
  const deckFile = resolve(__dirname, 'some_deck.ts');
  const argv1 = process.argv[1];
  const marker = globalThis as Record<symbol, unknown>;

  afterEach(() => {
    process.argv[1] = argv1 ?? '';
    delete marker[DECK_AGENT_MARKER];
  });

  it('starts when the deck file is the program being executed (with or without its extension)', () => {
    process.argv[1] = deckFile;
    expect(shouldStartAgent(deckFile)).toBe(true);
    process.argv[1] = deckFile.replace(/\.ts$/, '');
    expect(shouldStartAgent(deckFile)).toBe(true);
  });

  it('does nothing when the deck was merely imported by another program', () => {
    process.argv[1] = resolve(__dirname, 'other_program.ts');
    expect(shouldStartAgent(deckFile)).toBe(false);
  });

  it('does nothing when an agent is loading the deck, even as the executed file', () => {
    process.argv[1] = deckFile;
    marker[DECK_AGENT_MARKER] = true;
    expect(shouldStartAgent(deckFile)).toBe(false);
  });
});
