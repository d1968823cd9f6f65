import { resolve } from 'node:path';
import { deckStem, redactUrl, resolveSettings } from './settings';

describe('resolveSettings', () => {
  it('names the deck after the file stem by default', () => {
    const s = resolveSettings('examples/decks/abstract_sdl.ts', {}, {});
    expect(s.deck).toBe('abstract_sdl');
    expect(s.deckFile).toBe(resolve('examples/decks/abstract_sdl.ts'));
    expect(s.env.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('lets flags override the environment', () => {
    const env = { IVORYOS_DECK_NAME: 'from_env', REDIS_URL: 'redis://env:6379', IVORYOS_DATA_DIR: 'env_dir', IVORYOS_HEARTBEAT_MS: '3000', IVORYOS_DECK_TOKEN: 'env-token' };
    const s = resolveSettings('deck.ts', { name: 'from_flag', redis: 'redis://flag:6379', dataDir: 'flag_dir', heartbeatMs: 500, token: 't' }, env);
    expect(s.deck).toBe('from_flag');
    expect(s.env).toMatchObject({ REDIS_URL: 'redis://flag:6379', IVORYOS_DATA_DIR: 'flag_dir', IVORYOS_HEARTBEAT_MS: 500, IVORYOS_DECK_TOKEN: 't' });
  });

  it('takes the environment where no flag is given', () => {
    const s = resolveSettings('deck.ts', {}, { IVORYOS_DECK_NAME: 'lab_a', IVORYOS_JOURNAL_FSYNC: 'true' });
    expect(s.deck).toBe('lab_a');
    expect(s.env.IVORYOS_JOURNAL_FSYNC).toBe(true);
  });

  it('refuses a file stem that is no valid deck name, pointing at --name', () => {
    expect(() => resolveSettings('my deck.v2.ts', {}, {})).toThrow(/Invalid deck name "my deck\.v2".*--name/);
    expect(() => resolveSettings('deck.ts', { name: 'a:b' }, {})).toThrow(/IVORYOS_DECK_NAME/);
  });

  it('validates flag values with the env schema', () => {
    expect(() => resolveSettings('deck.ts', { heartbeatMs: 10 }, {})).toThrow(/IVORYOS_HEARTBEAT_MS/);
    expect(() => resolveSettings('deck.ts', { gateway: 'not a url' }, {})).toThrow(/IVORYOS_GATEWAY_URL/);
  });
});

describe('deckStem and redactUrl', () => {
  it('strips directory and last extension', () => {
    expect(deckStem('/x/y/lab_a.ts')).toBe('lab_a');
    expect(deckStem('lab_a.js')).toBe('lab_a');
  });

  it('hides a Redis password', () => {
    expect(redactUrl('redis://user:s3cret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
    expect(redactUrl('::')).toBe('(unparsable URL)');
  });
});
