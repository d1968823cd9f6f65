import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_AUTHOR } from '../audit/audit-log';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { DeckAclSync } from './deck-acl-sync';
import { DeckCredentialsService } from './deck-credentials.service';
import { DevDeckToken } from './dev-deck-token';

/**
 * issue 10, item 5: the development provisioning writes `deck-tokens/<deck>`, and moves the single
 * `deck-token` of earlier versions to the deck whose issued token it is, never to another.
 */
describe('development deck token files', () => {
  let gw: TestGateway;
  let dataDir: string;
  const deckName = (tag: string) => `${tag}_${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    gw = await startTestGateway();
  }, 60_000);
  afterAll(() => gw?.close());
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ivoryos-devtoken-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const provisionAtStart = (deck: string) =>
    new DevDeckToken(
      { ...gw.config, dataDir, env: { ...gw.config.env, IVORYOS_PROVISION_DECK_TOKEN: deck } },
      gw.app.get(DeckCredentialsService),
      gw.app.get(DeckAclSync),
    ).onApplicationBootstrap();

  it("writes the demo deck's token to deck-tokens/<deck> and moves an old deck-token to the deck it was issued for", async () => {
    const demo = deckName('demo');
    const other = deckName('other');
    const issued = await gw.app.get(DeckCredentialsService).issue(other, SYSTEM_AUTHOR);
    writeFileSync(join(dataDir, 'deck-token'), `${issued.token}\n`);
    await provisionAtStart(demo);
    expect(existsSync(join(dataDir, 'deck-token'))).toBe(false);
    expect(readFileSync(join(dataDir, 'deck-tokens', other), 'utf8').trim()).toBe(issued.token);
    const demoToken = readFileSync(join(dataDir, 'deck-tokens', demo), 'utf8').trim();
    expect(demoToken).toMatch(/^ivd_/);
    expect(demoToken).not.toBe(issued.token);
  }, 30_000);

  it('leaves an old deck-token that is no deck\'s issued token where it is, and gives no deck its token', async () => {
    const demo = deckName('demo');
    const stray = 'ivd_' + 'x'.repeat(43);
    writeFileSync(join(dataDir, 'deck-token'), `${stray}\n`);
    await provisionAtStart(demo);
    expect(readFileSync(join(dataDir, 'deck-token'), 'utf8').trim()).toBe(stray);
    expect(readFileSync(join(dataDir, 'deck-tokens', demo), 'utf8').trim()).not.toBe(stray);
  }, 30_000);
});
