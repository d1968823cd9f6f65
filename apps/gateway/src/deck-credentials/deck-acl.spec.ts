import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BULLMQ_WORKER_COMMANDS, DECK_AGENT_COMMANDS, deckAclRules } from './deck-acl';

const HASH = 'a'.repeat(64);

/** The BullMQ scripts a Worker runs (fetching, finishing, locks, stalled and rate-limited jobs). */
const WORKER_SCRIPTS = [
  'moveToActive-11', 'moveToFinished-14', 'extendLock-2', 'extendLocks-1', 'moveStalledJobsToWait-9', 'moveJobFromActiveToWait-9', 'getRateLimitTtl-2',
];

function script(name: string, seen = new Set<string>()): string {
  if (seen.has(name)) return '';
  seen.add(name);
  const text = readFileSync(name, 'utf8');
  return text.replace(/--- @include "([^"]+)"/g, (_, inc: string) => script(join(dirname(name), `${inc.replace(/\.lua$/, '')}.lua`), seen));
}

/** Commands called by the scripts: `rcall("X", ...)`, and push commands handed to addJobInTargetList. */
function scriptCommands(): Set<string> {
  const dir = join(dirname(require.resolve('bullmq/package.json')), 'dist', 'cjs', 'commands');
  const out = new Set<string>();
  for (const name of WORKER_SCRIPTS) {
    const text = script(join(dir, `${name}.lua`));
    for (const m of text.matchAll(/(?:rcall|redis\.p?call)\(\s*["']([A-Za-z]+)["']/g)) out.add(m[1].toLowerCase());
    for (const m of text.matchAll(/addJobInTargetList\([^)]*"([A-Z]+)"/g)) out.add(m[1].toLowerCase());
    if (/rcall\((?!["'])(?!pushCmd\b)[A-Za-z]/.test(text)) throw new Error(`${name} calls a command chosen at run time; read it and extend this test`);
  }
  return out;
}

describe('deckAclRules', () => {
  it("confines the deck's user to its keys, no channels, the listed commands, and SADD on the deck set", () => {
    const rules = deckAclRules('lab-a', HASH);
    expect(rules.slice(0, 8)).toEqual([
      'deck_lab-a', 'reset', 'on', `#${HASH}`, 'resetkeys', '~ivoryos:deck:lab-a:*', '~ivoryos:deck.lab-a:*', 'resetchannels',
    ]);
    expect(rules[8]).toBe('-@all');
    expect(rules.slice(9, -1)).toEqual(DECK_AGENT_COMMANDS.map((c) => `+${c}`));
    expect(rules.at(-1)).toBe('(%W~ivoryos:decks +sadd)');
  });

  it('refuses deck names that could widen a key pattern, and malformed hashes', () => {
    for (const deck of ['*', 'a*', 'a:b', 'a.b', 'a?', '[a]', '', 'x'.repeat(65)]) expect(() => deckAclRules(deck, HASH)).toThrow(/invalid deck name/);
    expect(() => deckAclRules('lab', 'A'.repeat(64))).toThrow(/hash/);
    expect(() => deckAclRules('lab', 'a'.repeat(63))).toThrow(/hash/);
  });

  it("covers every command BullMQ's worker scripts call, and nothing the worker does not need", () => {
    const needed = scriptCommands();
    const missing = [...needed].filter((c) => !DECK_AGENT_COMMANDS.includes(c));
    expect(missing).toEqual([]);
    const direct = ['evalsha', 'eval', 'bzpopmin', 'set'];
    expect([...BULLMQ_WORKER_COMMANDS].filter((c) => !needed.has(c) && !direct.includes(c))).toEqual([]);
  });

  it('grants nothing that reaches beyond its keys', () => {
    for (const c of ['keys', 'scan', 'flushall', 'flushdb', 'publish', 'subscribe', 'config', 'acl', 'client', 'client|kill', 'script', 'debug', 'shutdown', 'monitor', 'swapdb', 'move', 'migrate', 'function']) {
      expect(DECK_AGENT_COMMANDS).not.toContain(c);
    }
  });
});
