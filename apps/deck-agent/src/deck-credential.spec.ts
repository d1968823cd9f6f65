import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCredentialError, redisCredentialOptions, redisUrlFor, resolveDeckCredential } from './deck-credential';

describe('resolveDeckCredential', () => {
  let dir: string;
  const env = (extra: { IVORYOS_DECK_TOKEN?: string } = {}) => ({ IVORYOS_DATA_DIR: dir, IVORYOS_GATEWAY_URL: 'http://127.0.0.1:8000', ...extra });
  const tokenFile = (deck: string, text: string) => {
    mkdirSync(join(dir, 'deck-tokens'), { recursive: true });
    writeFileSync(join(dir, 'deck-tokens', deck), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivoryos-cred-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the setting (--token or IVORYOS_DECK_TOKEN) over the file', () => {
    tokenFile('lab-a', 'ivd_file\n');
    expect(resolveDeckCredential('lab-a', env({ IVORYOS_DECK_TOKEN: ' ivd_env ' }))).toEqual({ credential: { username: 'deck_lab-a', token: 'ivd_env', source: 'setting' } });
  });

  it("reads the first line of <dataDir>/deck-tokens/<deck>, its own deck's file only", () => {
    tokenFile('lab-a', 'ivd_a  \nignored\n');
    tokenFile('lab-b', 'ivd_b\n');
    expect(resolveDeckCredential('lab-a', env())).toEqual({ credential: { username: 'deck_lab-a', token: 'ivd_a', source: 'file' } });
    expect(resolveDeckCredential('lab-b', env())).toEqual({ credential: { username: 'deck_lab-b', token: 'ivd_b', source: 'file' } });
  });

  it("never takes another deck's token, and says plainly that the only one found is another deck's", () => {
    tokenFile('abstract_sdl', 'ivd_demo\n');
    const found = resolveDeckCredential('lab2', env());
    expect(found.credential).toBeUndefined();
    expect(found.notice).toContain(`no token for deck lab2 in ${join(dir, 'deck-tokens', 'lab2')}`);
    expect(found.notice).toContain('the only deck tokens found belong to other decks (abstract_sdl)');
    expect(found.notice).toContain('ivoryos-agent provision lab2 --gateway http://127.0.0.1:8000');
  });

  it('does not read the single deck-token file of earlier versions (it names no deck), and says how to move it', () => {
    writeFileSync(join(dir, 'deck-token'), 'ivd_old\n');
    const found = resolveDeckCredential('lab2', env());
    expect(found.credential).toBeUndefined();
    expect(found.notice).toContain(`if it is lab2's, move it to ${join(dir, 'deck-tokens', 'lab2')}`);
  });

  it('has none, and nothing to say, without a setting or any token file, or with an empty file', () => {
    expect(resolveDeckCredential('lab-a', env())).toEqual({});
    tokenFile('lab-a', '\n');
    expect(resolveDeckCredential('lab-a', env())).toEqual({});
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
