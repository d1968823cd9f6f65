import { AccessDenied } from '../auth/auth-errors';
import { checkBodyDeck, workflowAccess } from './workflow-scope';

describe('workflowAccess', () => {
  it('lets callers without a deck scope change every workflow', () => {
    expect(workflowAccess(undefined, 'lab-b')).toBe('write');
    expect(workflowAccess(undefined, null)).toBe('write');
  });

  it("gives a scoped key its own deck's workflows, deck-less ones read-only, and hides other decks'", () => {
    expect(workflowAccess('lab-a', 'lab-a')).toBe('write');
    expect(workflowAccess('lab-a', null)).toBe('read');
    expect(workflowAccess('lab-a', 'lab-b')).toBe('none');
    expect(workflowAccess('lab-a', 'LAB-A')).toBe('none');
  });
});

describe('checkBodyDeck', () => {
  const denied = (fn: () => void): AccessDenied | undefined => {
    try {
      fn();
      return undefined;
    } catch (err) {
      return err as AccessDenied;
    }
  };

  it('passes callers without a scope and bodies naming the scoped deck', () => {
    expect(denied(() => checkBodyDeck(undefined, 'deck', 'lab-b', true))).toBeUndefined();
    expect(denied(() => checkBodyDeck('lab-a', 'deck', 'lab-a', true))).toBeUndefined();
  });

  it('refuses another deck with 403 naming the field', () => {
    const err = denied(() => checkBodyDeck('lab-a', 'workflow.deck', 'lab-b', false));
    expect(err).toBeInstanceOf(AccessDenied);
    expect(err?.status).toBe(403);
    expect(err?.message).toContain("'lab-b'");
    expect(err?.errors).toEqual([{ path: 'workflow.deck', message: expect.stringContaining("'lab-a'") }]);
  });

  it('refuses no deck only where the body decides the deck', () => {
    expect(denied(() => checkBodyDeck('lab-a', 'deck', undefined, false))).toBeUndefined();
    expect(denied(() => checkBodyDeck('lab-a', 'deck', null, false))).toBeUndefined();
    expect(denied(() => checkBodyDeck('lab-a', 'deck', undefined, true))?.errors).toEqual([{ path: 'deck', message: expect.any(String) }]);
    expect(denied(() => checkBodyDeck('lab-a', 'deck', null, true))?.message).toContain('not no deck');
  });
});
