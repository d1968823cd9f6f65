import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { LAB_HOST, auditPage, launchBrowser, newWatchedPage, type Watched } from './browser';
import { startWebStack, type WebStack } from './stack';

const act = (id: number, instrument: string, action: string, args: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  id, uuid: 5000 + id, instrument, action, args, return: '', ...extra,
});

/** An input step in prep, a #parameter, and a step that fails on its first call (retry clears it). */
const runWorkflow = (name: string, deck: string) => ({
  name,
  deck,
  script_dict: {
    prep: [act(1, 'input', 'vials', { statement: 'How many vials?' }, { arg_types: { statement: 'int' }, return: 'vials' })],
    script: [act(1, 'deck.bench', 'noop', { x: '#amount' }, { return: 'echo' }), act(2, 'deck.sdl', 'fail_once')],
    cleanup: [],
  },
});

// Browser work on a shared 2-core machine: generous, bounded waits (no fixed sleeps).
const UI_WAIT = 30_000;
jest.setTimeout(180_000);

describe('the web UI in Chromium against the real gateway, database, Redis and demo deck agent', () => {
  let stack: WebStack;
  let browser: Browser;
  let admin: Watched;
  const problems: string[] = [];
  let origin: string;

  const signIn = async (w: Watched, username: string, password: string, path: string) => {
    await w.page.goto(`${origin}${path}`);
    await w.page.waitForURL(/\/login\?next=/, { timeout: UI_WAIT });
    await w.page.getByLabel('Username').fill(username);
    await w.page.getByLabel('Password', { exact: true }).fill(password);
    await w.page.getByRole('button', { name: 'Sign in' }).click();
    await w.page.waitForURL((url) => url.pathname === path, { timeout: UI_WAIT });
    // Before signing in, the session check answers 401 (the only error the browser may log).
    w.errors.splice(0, w.errors.length, ...w.errors.filter((e) => !/401/.test(e)));
  };
  const heading = (page: Page) => page.getByRole('heading', { level: 1 });
  /** Polls the API (the system's own answer, not the page) until the run reaches one of `states`. */
  const runReaches = async (id: string, states: string[]) => {
    const deadline = Date.now() + UI_WAIT;
    for (;;) {
      const { status } = (await stack.api<{ status: string }>('GET', `/api/runs/${id}`)).body;
      if (states.includes(status) || Date.now() > deadline) return status;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    stack = await startWebStack();
    // Not localhost: a browser on another host applies upgrade-insecure-requests, localhost is exempt.
    origin = `http://${LAB_HOST}:${stack.port}`;
    browser = await launchBrowser();
    admin = await newWatchedPage(browser);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in from a lab tablet over plain HTTP and returns to the page asked for, with the header words', async () => {
    await admin.page.goto(`${origin}/devices/${stack.deck}`);
    await admin.page.waitForURL(/\/login\?next=/, { timeout: UI_WAIT });
    await heading(admin.page).waitFor();
    problems.push(...(await auditPage(admin.page, 'login')));
    await admin.page.getByLabel('Username').fill('admin');
    await admin.page.getByLabel('Password', { exact: true }).fill('wrong password');
    await admin.page.getByRole('button', { name: 'Sign in' }).click();
    await admin.page.getByText('Wrong username or password').waitFor({ timeout: UI_WAIT });
    admin.errors.length = 0; // the 401s of the session check and the wrong password
    await admin.page.getByLabel('Password', { exact: true }).fill('admin');
    await admin.page.getByRole('button', { name: 'Sign in' }).click();
    await admin.page.waitForURL(`${origin}/devices/${stack.deck}`, { timeout: UI_WAIT });
    expect(await heading(admin.page).textContent()).toBe(`Devices: ${stack.deck}`);
    const header = admin.page.getByRole('banner');
    await header.getByRole('button', { name: 'Sign out' }).waitFor();
    await header.getByRole('button', { name: 'Toggle colour scheme' }).waitFor();
    await header.getByRole('button', { name: /^Attention/ }).waitFor();
    expect(await header.textContent()).toContain('(admin)');
    const cookies = await admin.context.cookies();
    expect(cookies.find((c) => c.name === 'ivoryos_session')).toMatchObject({ httpOnly: true, secure: false });
  });

  it('calls a method from Devices: every missing field marked at once, then the result inline and in the history', async () => {
    const page = admin.page;
    await page.getByRole('link', { name: /^sdl/ }).click();
    const card = page.getByRole('form', { name: 'deck.sdl.analyze' });
    await card.getByRole('button', { name: 'Run analyze' }).click();
    await card.getByText('Required').nth(1).waitFor();
    expect(await card.getByText('Required').count()).toBe(2);
    await card.getByLabel('param_1').fill('1');
    await card.getByLabel('param_2').fill('2');
    await card.getByRole('button', { name: 'Run analyze' }).click();
    await card.getByText('analyze finished').waitFor({ timeout: UI_WAIT });
    await page.getByRole('table').getByText('deck.sdl.analyze(param_1=1, param_2=2)').waitFor({ timeout: UI_WAIT });
    problems.push(...(await auditPage(page, 'devices')));

    await page.getByRole('link', { name: /^balance/ }).click();
    const property = page.getByRole('form', { name: 'deck.balance.tare_offset (property)' });
    await property.getByRole('button', { name: 'Read' }).click();
    await property.getByText('tare_offset finished').waitFor({ timeout: UI_WAIT });
    await property.getByLabel('value').fill('0.5');
    await property.getByRole('button', { name: 'Set' }).click();
    await property.getByText('set tare_offset finished').waitFor({ timeout: UI_WAIT });
  });

  let runId = '';

  it('follows a 3-row run live: answers its input prompt and a failed-step decision (retry), then reads its results and downloads the CSV', async () => {
    const page = admin.page;
    // The workflow arrives as an IvoryOS JSON file, imported from the Library.
    const file = join(mkdtempSync(join(tmpdir(), 'ivoryos-web-')), 'web_flow.json');
    writeFileSync(file, JSON.stringify(runWorkflow('web_flow', stack.deck)));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
    await heading(page).filter({ hasText: 'Library' }).waitFor({ timeout: UI_WAIT });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import IvoryOS JSON' }).click()]);
    await chooser.setFiles(file);
    await page.getByRole('table', { name: 'Workflows' }).getByRole('link', { name: 'web_flow' }).waitFor({ timeout: UI_WAIT });
    problems.push(...(await auditPage(page, 'library')));

    // Execute: a 3-row parameter table, with a typo caught in its cell before anything is sent.
    await page.getByRole('table', { name: 'Workflows' }).getByRole('link', { name: 'Run' }).click();
    await heading(page).filter({ hasText: 'Run web_flow' }).waitFor({ timeout: UI_WAIT });
    await page.getByText('Checked against the deck: no problems.').waitFor({ timeout: UI_WAIT });
    await page.getByLabel('amount, row 1').fill('one');
    await page.getByText(/cannot convert|not a number|expected/i).first().waitFor();
    await page.getByLabel('amount, row 1').fill('1');
    for (const [row, value] of [[2, '2'], [3, '3']] as const) {
      await page.getByRole('button', { name: 'Add row' }).click();
      await page.getByLabel(`amount, row ${row}`).fill(value);
    }
    problems.push(...(await auditPage(page, 'execute')));
    await page.getByRole('button', { name: 'Queue run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}/, { timeout: UI_WAIT });
    runId = new URL(page.url()).pathname.split('/').pop() as string;

    const inputDialog = page.getByRole('dialog', { name: 'Input needed' });
    await inputDialog.waitFor({ timeout: UI_WAIT });
    await inputDialog.getByLabel('How many vials?').fill('4');
    await inputDialog.getByRole('button', { name: 'Submit' }).click();

    const failed = page.getByRole('dialog', { name: 'Step failed' });
    await failed.waitFor({ timeout: UI_WAIT });
    await failed.getByText(/first call fails/).waitFor();
    problems.push(...(await auditPage(page, 'run-waiting')));
    await failed.getByRole('button', { name: 'Retry step' }).click();

    // Live: the page changes without a reload when the run completes.
    await page.getByRole('status', { name: 'Run status' }).filter({ hasText: 'completed' }).waitFor({ timeout: UI_WAIT });
    const record = await stack.api<{ status: string; phases: { name: string; steps: { methodName: string; attempt: number; status: string }[] }[] }>('GET', `/api/runs/${runId}`);
    expect(record.body.status).toBe('completed');
    const attempts = record.body.phases.flatMap((p) => p.steps).filter((s) => s.methodName === 'fail_once');
    expect(attempts.map((s) => [s.attempt, s.status])).toEqual([[1, 'failed'], [2, 'completed'], [1, 'completed'], [1, 'completed']]);
    // The steps, grouped by iteration in one table: the failed first attempt and its retry.
    await page.getByRole('table', { name: 'Steps' }).getByText('attempt 2').waitFor({ timeout: UI_WAIT });
    await page.getByRole('table', { name: 'Steps' }).getByText('Script · iteration 3').waitFor({ timeout: UI_WAIT });
    problems.push(...(await auditPage(page, 'run-steps')));

    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByRole('img', { name: /^Timeline of 7 steps/ }).waitFor({ timeout: UI_WAIT });
    await page.getByText(/^Most time: /).waitFor();
    problems.push(...(await auditPage(page, 'run-timeline')));

    await page.getByRole('tab', { name: 'Log' }).click();
    await page.waitForURL(/tab=log/);
    problems.push(...(await auditPage(page, 'run-log')));

    await page.getByRole('tab', { name: 'Outputs' }).click();
    await page.waitForURL(/tab=outputs/);
    const results = page.getByRole('table', { name: 'Results' });
    await results.waitFor({ timeout: UI_WAIT });
    expect(await results.locator('tbody tr').count()).toBe(3);
    await page.getByRole('img', { name: 'echo against sample: 3 points in 1 series' }).waitFor({ timeout: UI_WAIT });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path()) as string, 'utf8').trim().split(/\r?\n/);
    expect(csv[0]).toContain('amount');
    expect(csv[0]).toContain('echo');
    expect(csv).toHaveLength(4);
    problems.push(...(await auditPage(page, 'run-outputs')));
  });

  it('designs a workflow: an imported file nested as a tree, a repeat block, a problem fixed inline, keyboard moves, save', async () => {
    const page = admin.page;
    // An IvoryOS file with an if/else holding a repeat, imported from the Library, opens nested.
    const nested = {
      name: 'nested_flow',
      deck: stack.deck,
      script_dict: {
        prep: [],
        script: [
          act(1, 'if', 'if', { statement: '#amount > 1' }, { uuid: 700 }),
          act(2, 'repeat', 'repeat', { statement: 2 }, { uuid: 800, arg_types: { statement: 'int' } }),
          act(3, 'deck.bench', 'noop', { x: '#amount' }, { return: 'echo' }),
          act(4, 'repeat', 'endrepeat', {}, { uuid: 800 }),
          act(5, 'if', 'else', {}, { uuid: 700 }),
          act(6, 'deck.bench', 'noop', { x: 0 }),
          act(7, 'if', 'endif', {}, { uuid: 700 }),
        ],
        cleanup: [],
      },
    };
    const file = join(mkdtempSync(join(tmpdir(), 'ivoryos-web-')), 'nested_flow.json');
    writeFileSync(file, JSON.stringify(nested));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import IvoryOS JSON' }).click()]);
    await chooser.setFiles(file);
    await page.getByRole('table', { name: 'Workflows' }).getByRole('link', { name: 'nested_flow' }).click();
    const tree = page.getByRole('tree', { name: 'Script steps' });
    await tree.waitFor({ timeout: UI_WAIT });
    type Row = { textContent: string | null; getAttribute(name: string): string | null };
    const levels = async () =>
      tree.getByRole('treeitem').evaluateAll((rows: Row[]) => rows.map((r) => [r.textContent?.replace(/^⠿?\d*/, '').trim(), r.getAttribute('aria-level'), r.getAttribute('aria-expanded')]));
    expect(await levels()).toEqual([
      ['if #amount > 1', '1', 'true'],
      ['repeat 2 times', '2', 'true'],
      ['echo = bench.noop(x=#amount)', '3', null],
      ['else', '1', null],
      ['bench.noop(x=0)', '2', null],
    ]);
    // Block ends are drawn as the end of their block's rail, not as lines of their own.
    expect(await tree.getByText(/^end(if|repeat)$/).count()).toBe(0);
    await page.getByText('no problems').waitFor({ timeout: UI_WAIT });

    // Add sdl.analyze after the last row: its required arguments are empty, so the gateway's check flags them.
    await tree.getByRole('treeitem').last().click();
    await page.getByRole('combobox', { name: 'Add a step' }).fill('sdl.analyze');
    await page.getByRole('option', { name: 'sdl.analyze' }).click();
    await page.getByRole('button', { name: 'Add step' }).click();
    const inspector = page.getByRole('region', { name: 'Selected step' });
    await inspector.getByRole('textbox', { name: 'param_1' }).waitFor();
    await page.getByText(/2 problems/).first().waitFor({ timeout: UI_WAIT });
    await inspector.getByRole('textbox', { name: 'param_1' }).fill('#count');
    await inspector.getByRole('textbox', { name: 'param_2' }).fill('2');
    await page.getByText('no problems').waitFor({ timeout: UI_WAIT });
    problems.push(...(await auditPage(page, 'design')));

    // Added after the else branch's last step, it is inside it; Alt+↓ moves it past the block's end.
    const analyzeRow = async () => (await levels()).find((r) => String(r[0]).includes('sdl.analyze'));
    expect(await analyzeRow()).toEqual(['sdl.analyze(param_1=#count, param_2=2)', '2', null]);
    await tree.focus();
    await page.keyboard.press('Alt+ArrowDown');
    expect(await analyzeRow()).toEqual(['sdl.analyze(param_1=#count, param_2=2)', '1', null]);

    // Drag and drop from the keyboard (dnd-kit: Space picks up, arrows move, Space drops), announced
    // in the canvas's words; every key waits for the announcement, as dnd-kit measures asynchronously.
    const announced = (text: string | RegExp) => page.locator('[id^=DndLiveRegion]').filter({ hasText: text }).waitFor({ state: 'attached', timeout: UI_WAIT });
    // A person's keys come hundreds of ms apart; on a busy CI machine an arrow pressed in the same
    // frame as the pick-up reached dnd-kit before it had re-measured the lines, and moved nowhere.
    const settled = () => page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await announced(/Picked up line 6, sdl.analyze/);
    await settled();
    await page.keyboard.press('ArrowUp');
    await announced('It would move to line 6, inside the else branch of if #amount > 1.');
    await settled();
    await page.keyboard.press('Space');
    await announced(/Moved line 6/);
    expect(await analyzeRow()).toEqual(['sdl.analyze(param_1=#count, param_2=2)', '2', null]);

    // And with the pointer: its handle dragged above the first line puts it first, at the top level.
    const handle = tree.getByRole('button', { name: /^Drag line \d+, sdl.analyze/ });
    const first = (await tree.getByRole('treeitem').first().boundingBox())!;
    const from = (await handle.boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, from.y - 10, { steps: 4 });
    await page.mouse.move(first.x + 40, first.y + 2, { steps: 10 });
    await announced(/It would move to line 1, at the top level/);
    await page.mouse.up();
    await announced(/Moved line \d+, sdl.analyze.* to line 1, at the top level/);
    expect((await levels())[0]).toEqual(['sdl.analyze(param_1=#count, param_2=2)', '1', null]);

    // The palette's flow steps: a wait, checked by the gateway like any step.
    await page.getByRole('combobox', { name: 'Add a step' }).fill('wait');
    await page.getByRole('option', { name: 'wait' }).click();
    await page.getByRole('button', { name: 'Add step' }).click();
    expect((await levels())[1]).toEqual(['wait 1 s', '1', null]);
    await page.getByText('no problems').waitFor({ timeout: UI_WAIT });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('unsaved changes').waitFor({ state: 'detached', timeout: UI_WAIT });
    const stored = await stack.api<{ script_dict: { script: { action: string }[] } }>('GET', '/api/workflows/nested_flow');
    expect(stored.body.script_dict.script.map((a) => a.action)).toEqual(['analyze', 'wait', 'if', 'repeat', 'noop', 'endrepeat', 'else', 'noop', 'endif']);

    await page.getByRole('tab', { name: 'Code' }).click();
    await page.getByLabel('TypeScript').getByText(/analyze/).waitFor({ timeout: UI_WAIT });
    problems.push(...(await auditPage(page, 'design-code')));
  });

  it('lists the run in Data, and gives admins users, API keys (shown once), deck tokens and the audit log', async () => {
    const page = admin.page;
    // A second, shorter run of the same workflow (its input answered through the API) to compare with.
    const again = (await stack.api<{ id: string }>('POST', '/api/runs', { workflow: 'web_flow', name: 'web_flow again', parameters: [{ amount: 5 }, { amount: 7 }] })).body.id;
    expect(await runReaches(again, ['waiting'])).toBe('waiting');
    expect((await stack.api('POST', `/api/runs/${again}/input`, { value: 2 })).status).toBeLessThan(300);
    expect(await runReaches(again, ['completed', 'failed'])).toBe('completed');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data' }).click();
    const runs = page.getByRole('table', { name: 'Runs' });
    await runs.getByRole('link', { name: 'web_flow', exact: true }).waitFor({ timeout: UI_WAIT });
    await runs.getByRole('checkbox', { name: 'Compare web_flow', exact: true }).check();
    await runs.getByRole('checkbox', { name: 'Compare web_flow again' }).check();
    problems.push(...(await auditPage(page, 'data')));
    await page.getByRole('link', { name: 'Compare 2 runs' }).click();
    await heading(page).filter({ hasText: 'Compare runs' }).waitFor({ timeout: UI_WAIT });
    // One line per run on one plot, and each run's summary of the plotted output (echo = amount).
    await page.getByRole('img', { name: 'echo against sample: 5 points in 2 series' }).waitFor({ timeout: UI_WAIT });
    const summary = page.getByRole('table', { name: 'Summary of echo' });
    expect(await summary.locator('tbody tr').allTextContents()).toEqual([expect.stringMatching(/^web_flow \(#\d+\)3132$/), expect.stringMatching(/^web_flow again \(#\d+\)2576$/)]);
    problems.push(...(await auditPage(page, 'compare')));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('table', { name: 'Users' }).getByText('admin', { exact: true }).waitFor({ timeout: UI_WAIT });
    problems.push(...(await auditPage(page, 'admin-users')));
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('lims');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('dialog', { name: 'API key created' });
    const key = (await shown.locator('pre').textContent({ timeout: UI_WAIT }))?.trim() ?? '';
    expect(key).toMatch(/^ivk_/);
    problems.push(...(await auditPage(page, 'admin-api-key-shown')));
    await shown.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('table', { name: 'API keys' }).getByText('lims').waitFor();
    expect(await page.getByText(key).count()).toBe(0);
    expect((await fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    await page.getByRole('tab', { name: 'Deck tokens' }).click();
    await page.getByRole('table', { name: 'Decks' }).getByText(stack.deck).waitFor({ timeout: UI_WAIT });
    problems.push(...(await auditPage(page, 'admin-decks')));
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByRole('table', { name: 'Audit log' }).getByText(/name=lims/).first().waitFor({ timeout: UI_WAIT });
    problems.push(...(await auditPage(page, 'admin-audit')));
  });

  it('shows the lab overview with the deck and the run', async () => {
    const page = admin.page;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await page.waitForURL(`${origin}/`);
    await page.getByRole('heading', { name: stack.deck }).waitFor({ timeout: UI_WAIT });
    await page.getByRole('link', { name: /web_flow/ }).first().waitFor({ timeout: UI_WAIT });
    problems.push(...(await auditPage(page, 'home')));
  });

  it('manages a deck queue (pause, reorder, rename) and answers a pause step from the attention page', async () => {
    const page = admin.page;
    const pauseFlow = { name: 'pause_flow', deck: stack.deck, script_dict: { prep: [], script: [act(1, 'pause', 'pause', { statement: 'Put the vial in the holder' })], cleanup: [] } };
    expect((await stack.api('POST', '/api/workflows', pauseFlow)).status).toBe(201);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Execute' }).click();
    const queue = page.getByRole('region', { name: `Queue of ${stack.deck}` });
    await queue.getByRole('button', { name: 'Pause queue' }).click();
    await queue.getByRole('button', { name: 'Resume queue' }).waitFor({ timeout: UI_WAIT });
    const submit = async (name: string) => (await stack.api<{ id: string }>('POST', '/api/runs', { workflow: 'pause_flow', name, repeat: 1 })).body.id;
    const [first, second] = [await submit('vial A'), await submit('vial B')];
    const runIds: string[] = [];
    const order = async () => (await stack.api<{ items: { id: string; name: string }[] }>('GET', `/api/decks/${stack.deck}/queue`)).body.items.map((i) => i.name);
    await queue.getByRole('button', { name: 'Move vial B up' }).click();
    await queue.getByRole('table').locator('tbody tr').first().getByText('vial B').waitFor({ timeout: UI_WAIT });
    expect(await order()).toEqual(['vial B', 'vial A']);
    await queue.getByRole('row', { name: /vial A/ }).getByRole('button', { name: 'Rename…' }).click();
    await page.getByRole('dialog', { name: 'Rename vial A' }).getByLabel('Name').fill('vial A (repeat)');
    await page.getByRole('dialog', { name: 'Rename vial A' }).getByRole('button', { name: 'Rename' }).click();
    await queue.getByRole('link', { name: 'vial A (repeat)' }).waitFor({ timeout: UI_WAIT });
    await page.getByRole('dialog', { name: 'Rename vial A' }).waitFor({ state: 'detached', timeout: UI_WAIT }); // not audited while fading out
    problems.push(...(await auditPage(page, 'execute-queue')));
    await queue.getByRole('button', { name: 'Resume queue' }).click();

    // Both runs stop at their pause step in turn; each is answered from the attention page.
    await page.getByRole('banner').getByRole('button', { name: /^Attention/ }).click();
    await page.getByRole('dialog').getByRole('link', { name: /attention page/ }).click();
    await heading(page).filter({ hasText: 'Needs attention' }).waitFor({ timeout: UI_WAIT });
    await page.getByRole('dialog').waitFor({ state: 'detached', timeout: UI_WAIT }); // the drawer, closing
    for (const [id, name] of [[second, 'vial B'], [first, 'vial A (repeat)']]) {
      const card = page.getByRole('region', { name: `Operator action required: ${name}` });
      await card.getByText('Put the vial in the holder').waitFor({ timeout: UI_WAIT });
      if (name === 'vial B') problems.push(...(await auditPage(page, 'attention')));
      await card.getByRole('button', { name: 'Resume' }).click();
      await card.waitFor({ state: 'detached', timeout: UI_WAIT });
      await page.getByRole('link', { name }).waitFor({ state: 'detached', timeout: UI_WAIT });
      runIds.push(id);
    }
    await page.getByText('Nothing is waiting for anyone.').waitFor({ timeout: UI_WAIT });
    // Answered, each run goes on to its end (the deck runs one at a time, so B ended before A began).
    const ended = async () => Promise.all(runIds.map(async (id) => (await stack.api<{ status: string }>('GET', `/api/runs/${id}`)).body.status));
    for (let deadline = Date.now() + UI_WAIT; (await ended()).some((st) => st !== 'completed') && Date.now() < deadline; ) await page.waitForTimeout(100);
    expect(await ended()).toEqual(['completed', 'completed']);
  });

  it('runs an optimizer campaign set up in the Optimize tab, and shows its trials and best so far', async () => {
    const page = admin.page;
    const optFlow = { name: 'opt_flow', deck: stack.deck, script_dict: { prep: [], script: [act(1, 'deck.bench', 'noop', { x: '#amount' }, { return: 'echo' })], cleanup: [] } };
    expect((await stack.api('POST', '/api/workflows', optFlow)).status).toBe(201);
    await page.goto(`${origin}/execute/opt_flow?mode=optimizer`);
    await page.getByText('Checked against the deck: no problems.').waitFor({ timeout: UI_WAIT });
    await page.getByRole('tab', { name: 'Optimize', selected: true }).waitFor();
    // Every problem marked before anything is sent: the range is still empty.
    await page.getByRole('button', { name: 'Queue run' }).click();
    await page.getByText('2 fields need attention in the Optimize tab.').waitFor();
    problems.push(...(await auditPage(page, 'execute-optimize-problems')));
    await page.getByLabel('amount: lowest').fill('0');
    await page.getByLabel('amount: highest').fill('10');
    await page.getByLabel('Trials').fill('5');
    problems.push(...(await auditPage(page, 'execute-optimize')));
    await page.getByRole('button', { name: 'Queue run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}/, { timeout: UI_WAIT });
    const id = new URL(page.url()).pathname.split('/').pop() as string;
    await page.getByRole('status', { name: 'Run status' }).filter({ hasText: 'completed' }).waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: 'Outputs' }).click();
    const trials = page.getByRole('table', { name: 'Trials' });
    await trials.waitFor({ timeout: UI_WAIT });
    expect(await trials.locator('tbody tr').count()).toBe(5);
    await page.getByRole('img', { name: 'echo per trial and the best so far: 5 trials' }).waitFor({ timeout: UI_WAIT });
    const recorded = await stack.api<{ items: { outputs: { echo: number } }[]; best: { outputs: { echo: number } } }>('GET', `/api/runs/${id}/trials`);
    expect(recorded.body.best.outputs.echo).toBe(Math.max(...recorded.body.items.map((t) => t.outputs.echo)));
    problems.push(...(await auditPage(page, 'run-trials')));
  });

  it('gives a viewer every page read-only: none of the controls that change anything exist', async () => {
    expect((await stack.api('POST', '/api/users', { username: 'viewer_ana', password: 'a long passphrase', role: 'viewer' })).status).toBe(201);
    const viewer = await newWatchedPage(browser);
    try {
      await signIn(viewer, 'viewer_ana', 'a long passphrase', `/devices/${stack.deck}`);
      const page = viewer.page;
      expect(await page.getByRole('banner').textContent()).toContain('(viewer)');
      await page.getByRole('form', { name: 'deck.sdl.analyze' }).waitFor({ timeout: UI_WAIT });
      for (const name of [/^Run /, /^Read$/, /^Set$/]) expect(await page.getByRole('button', { name }).count()).toBe(0);
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
      problems.push(...(await auditPage(page, 'devices-viewer')));
      await page.goto(`${origin}/runs/${runId}?tab=steps`);
      await page.getByRole('status', { name: 'Run status' }).filter({ hasText: 'completed' }).waitFor({ timeout: UI_WAIT });
      for (const name of ['Pause', 'Resume', 'Retry step', 'Skip step', 'Stop after this iteration…', 'Stop now…', 'Cancel run']) {
        expect(await page.getByRole('button', { name }).count()).toBe(0);
      }
      await page.goto(`${origin}/library`);
      await page.getByRole('table', { name: 'Workflows' }).getByRole('link', { name: 'web_flow' }).waitFor({ timeout: UI_WAIT });
      for (const name of ['Import IvoryOS JSON', 'Run']) expect(await page.getByRole('button', { name }).count()).toBe(0);
      expect(await page.getByRole('table', { name: 'Workflows' }).getByRole('link', { name: 'Run' }).count()).toBe(0);
      expect(viewer.errors).toEqual([]);
    } finally {
      await viewer.context.close();
    }
  });

  it('had no console errors, and axe found no serious or critical violation on any page in either theme', () => {
    expect(admin.errors).toEqual([]);
    expect(problems).toEqual([]);
  });
});
