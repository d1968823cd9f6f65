import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { CONTRACT_VERSION, BULL_PREFIX, jobNames, queueNames, type DirectCallJob, type DirectCallResult, type JsonObject } from '@ivoryos/contracts';
import { AgentProcess, assertBuilt, callLog, cleanupDeck, TEST_REDIS_URL, uniqueDeck, waitFor } from '../testing/agent-harness';
import { describeWithPython } from '../testing/python-available';

jest.setTimeout(90_000);

/** A deck written the IvoryOS way, but with module-level instruments (import mode), a sibling module and argparse. */
const SIBLING = `
import time
class Meter:
    """A meter on a serial port."""
    def __init__(self, port: str):
        self.port_name = port
        print("opening", port)
    def port(self) -> str:
        return self.port_name
    def shout(self, text: str = "hi") -> str:
        print("driver says", text)
        return text.upper()
    async def read_async(self, n: int) -> list:
        return [n, n + 1]
    def bail(self, code: int = 5):
        raise SystemExit(code)
    def interrupt(self):
        raise KeyboardInterrupt()
    def slow(self, seconds: float) -> float:
        time.sleep(seconds)
        return seconds
    def blob(self) -> bytes:
        return b"\\x00\\x01"
`;
const DECK = `
import argparse
import logging
from helper_meter import Meter
ap = argparse.ArgumentParser()
ap.add_argument("--port", default="COM1")
opts = ap.parse_args()
logging.basicConfig(level=logging.INFO)
print("deck imported")
meter = Meter(opts.port)
`;

describeWithPython('a Python deck behind the real agent process', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ivoryos-pyagent-'));
  const agents: AgentProcess[] = [];
  const queues: { queue: Queue; events: QueueEvents; deck: string }[] = [];

  beforeAll(() => {
    assertBuilt();
    mkdirSync(join(tmp, 'deck'));
    writeFileSync(join(tmp, 'deck', 'helper_meter.py'), SIBLING);
    writeFileSync(join(tmp, 'deck', 'meter_deck.py'), DECK);
    writeFileSync(join(tmp, 'deck', 'broken_deck.py'), 'import os\n\ndef open_port():\n    raise OSError("could not open port \'COM3\'")\n\nport = open_port()\n');
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.dispose()));
    for (const q of queues) {
      await q.queue.close();
      await q.events.close();
      await cleanupDeck(TEST_REDIS_URL, q.deck);
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  function start(deckFile: string, extra: Partial<ConstructorParameters<typeof AgentProcess>[0]> = {}) {
    const deck = uniqueDeck();
    const agent = new AgentProcess({ deck, dataDir: join(tmp, `data-${deck}`), deckFile, env: { IVORYOS_SIM_CALL_LOG: join(tmp, `${deck}.calls`) }, ...extra });
    agents.push(agent);
    const connection = { url: TEST_REDIS_URL };
    const q = { deck, queue: new Queue(queueNames.deck(deck), { connection, prefix: BULL_PREFIX }), events: new QueueEvents(queueNames.deck(deck), { connection, prefix: BULL_PREFIX }) };
    queues.push(q);
    const call = async (instrument: string, action: string, kwargs: JsonObject = {}): Promise<DirectCallResult> => {
      const job: DirectCallJob = { schemaVersion: CONTRACT_VERSION, callId: randomUUID(), deck, instrument, action, kwargs, deadline: Date.now() + 60_000, calledBy: 'int-test' };
      const added = await q.queue.add(jobNames.directCall, job, { jobId: job.callId, attempts: 1 });
      return (await added.waitUntilFinished(q.events, 30_000)) as DirectCallResult;
    };
    return { agent, deck, call, calls: () => callLog(join(tmp, `${deck}.calls`)) };
  }

  it('without any Python says in one line how to install it or pass --python, and exits 1', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ivoryos-nopython-'));
    const { agent } = start(join(tmp, 'deck', 'meter_deck.py'), { env: { PATH: empty, VIRTUAL_ENV: '', CONDA_PREFIX: '', IVORYOS_PYTHON: '' } });
    expect(await agent.exited).toEqual({ code: 1, signal: null });
    expect(agent.stderr).toHaveLength(1);
    expect(agent.stderr[0]).toMatch(/^No Python 3\.8\+ found for this Python deck: install it \(sudo apt-get install python3.* or pass --python \/path\/to\/python\./);
  });

  it('a deck whose import fails: the traceback, a clear message, a non-zero exit', async () => {
    const { agent } = start(join(tmp, 'deck', 'broken_deck.py'));
    expect((await agent.exited).code).toBe(1);
    const text = agent.stderr.join('\n');
    expect(text).toContain("the Python deck failed to load: OSError: could not open port 'COM3'");
    expect(text).toMatch(/File ".*broken_deck\.py", line 4, in open_port/);
  });

  it('loads the deck from its folder with its own arguments, and serves calls: sync, async, errors, SystemExit, KeyboardInterrupt', async () => {
    const { agent, call, calls } = start(join(tmp, 'deck', 'meter_deck.py'), { extraArgs: ['--', '--port', 'COM9'] });
    await agent.waitForLog('the bridge ready', (l) => l.msg === 'python bridge ready', 60_000);
    const chosen = agent.logs().find((l) => l.msg.startsWith('python deck: using Python'));
    expect(chosen).toMatchObject({ version: expect.stringMatching(/^3\.\d+\.\d+$/), chosenBy: expect.any(String) });
    await agent.waitForLog('registered', (l) => l.msg === 'registered', 30_000);

    expect(await call('deck.meter', 'port')).toMatchObject({ success: true, output: 'COM9' });
    expect(await call('deck.meter', 'shout', { text: 'ok' })).toMatchObject({ success: true, output: 'OK' });
    expect(await call('deck.meter', 'read_async', { n: '4' })).toMatchObject({ success: true, output: [4, 5] });
    expect(await call('deck.meter', 'blob')).toMatchObject({ success: true, output: { $type: 'bytes', repr: "b'\\x00\\x01'" } });
    const bail = await call('deck.meter', 'bail', { code: 7 });
    expect(bail).toMatchObject({ success: false, error: expect.stringMatching(/^SystemExit: exit code 7\n/) });
    expect(bail.error).toContain('in bail');
    expect(await call('deck.meter', 'interrupt')).toMatchObject({ success: false, error: expect.stringMatching(/^KeyboardInterrupt: \(no message\)\n/) });
    // The bridge survived both: the same child answers.
    expect(await call('deck.meter', 'port')).toMatchObject({ success: true, output: 'COM9' });
    expect(await call('deck.meter', 'shout', { text: 5, colour: 'x' })).toMatchObject({ success: false, error: expect.stringContaining("unknown argument 'colour'") });

    // print() at import and in a driver reach the agent's log, never the protocol stream.
    const printed = agent.logs().filter((l) => l['source'] === 'python').map((l) => l.msg);
    expect(printed).toEqual(expect.arrayContaining(['deck imported', 'opening COM9', 'driver says ok']));
    expect(agent.logs().filter((l) => l.msg.includes('unreadable protocol line'))).toEqual([]);
    expect(calls()).toEqual([
      'meter port {}', 'meter shout {"text":"ok"}', 'meter read_async {"n":"4"}', 'meter blob {}', 'meter bail {"code":7}', 'meter interrupt {}', 'meter port {}',
    ]);
  });

  it('the child killed mid-call: that call is interrupted (called once), the next call restarts the bridge', async () => {
    const { agent, call, calls } = start(join(tmp, 'deck', 'meter_deck.py'));
    const ready = await agent.waitForLog('the bridge ready', (l) => l.msg === 'python bridge ready', 60_000);
    await agent.waitForLog('registered', (l) => l.msg === 'registered', 30_000);
    const slow = call('deck.meter', 'slow', { seconds: 30 });
    await waitFor('slow to start', () => calls().some((l) => l.includes('meter slow')), 20_000);
    process.kill(ready['pythonPid'] as number, 'SIGKILL');
    const result = await slow;
    expect(result).toMatchObject({ ran: true, success: false, error: 'interrupted: the Python bridge exited (signal SIGKILL) during deck.meter.slow; outcome unknown' });
    await agent.waitForLog('the exit reported', (l) => l.msg.includes('the Python bridge exited; the deck is degraded'));
    expect(await call('deck.meter', 'port')).toMatchObject({ success: true, output: 'COM1' });
    const pids = agent.logs().filter((l) => l.msg === 'python bridge ready').map((l) => l['pythonPid']);
    expect(pids).toHaveLength(2);
    expect(pids[1]).not.toBe(pids[0]);
    expect(calls().filter((l) => l.includes('meter slow'))).toHaveLength(1);
  });

  it('IVORYOS_CALL_TIMEOUT_S fails a hung call, and the deck stays held until the driver returns', async () => {
    const { agent, call } = start(join(tmp, 'deck', 'meter_deck.py'), { env: { IVORYOS_CALL_TIMEOUT_S: '0.5' } });
    await agent.waitForLog('registered', (l) => l.msg === 'registered', 60_000);
    const began = Date.now();
    const timedOut = await call('deck.meter', 'slow', { seconds: 3 });
    expect(timedOut).toMatchObject({ success: false, error: expect.stringMatching(/^Timeout: deck\.meter\.slow did not return within 0\.5 s/) });
    expect(Date.now() - began).toBeLessThan(2900);
    expect(await call('deck.meter', 'port')).toMatchObject({ success: true, output: 'COM1' });
    // The second call could start only once the first driver call had returned.
    expect(Date.now() - began).toBeGreaterThanOrEqual(3000);
  });
});
