import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCredentialError, redisCredentialOptions, redisUrlFor, resolveDeckCredential } from './deck-credential';

describe('resolveDeckCredential', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivoryos-cred-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the setting (--token or IVORYOS_DECK_TOKEN) over the file', () => {
    writeFileSync(join(dir, 'deck-token'), 'ivd_file\n');
    expect(resolveDeckCredential('lab-a', { IVORYOS_DECK_TOKEN: ' ivd_env ', IVORYOS_DATA_DIR: dir })).toEqual({ username: 'deck_lab-a', token: 'ivd_env', source: 'setting' });
  });

  it('reads the first line of <dataDir>/deck-token', () => {
    writeFileSync(join(dir, 'deck-token'), 'ivd_file  \nignored\n');
    expect(resolveDeckCredential('lab-a', { IVORYOS_DATA_DIR: dir })).toEqual({ username: 'deck_lab-a', token: 'ivd_file', source: 'file' });
  });

  it('has none without a setting and a file, or with an empty file', () => {
    expect(resolveDeckCredential('lab-a', { IVORYOS_DATA_DIR: dir })).toBeUndefined();
    writeFileSync(join(dir, 'deck-token'), '\n');
    expect(resolveDeckCredential('lab-a', { IVORYOS_DATA_DIR: dir })).toBeUndefined();
  });
});

describe('connection options', () => {
  const credential = { username: 'deck_lab-a', token: 'ivd_x', source: 'file' as const };

  it('sign in as the deck user without CLIENT SETINFO, and nothing without a credential', () => {
    expect(redisCredentialOptions(credential)).toEqual({ username: 'deck_lab-a', password: 'ivd_x', disableClientInfo: true });
    expect(redisCredentialOptions(undefined)).toEqual({});
  });

  it('drop user and password from REDIS_URL only when a credential replaces them', () => {
    expect(redisUrlFor('redis://u:p@redis:6379/2', credential)).toBe('redis://redis:6379/2');
    expect(redisUrlFor('redis://u:p@redis:6379/2', undefined)).toBe('redis://u:p@redis:6379/2');
  });

  it('recognises refusals of the credential', () => {
    expect(isCredentialError('WRONGPASS invalid username-password pair or user is disabled.')).toBe(true);
    expect(isCredentialError("NOPERM this user has no permissions to run the 'keys' command")).toBe(true);
    expect(isCredentialError('connect ECONNREFUSED 127.0.0.1:6379')).toBe(false);
  });
});
