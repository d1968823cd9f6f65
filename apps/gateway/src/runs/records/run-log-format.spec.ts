import { formatLogLine, resultsFileName, runLogFileName, sanitizeFileName, type RunLogContext } from './run-log-format';

const at = '2026-05-14T10:00:01.250Z';

describe('run log lines', () => {
  it('writes log events as <ISO time> <LEVEL> <message>', () => {
    expect(formatLogLine('log', { level: 'info', message: 'dosing 5 mg' }, at)).toBe('2026-05-14T10:00:01.250Z INFO dosing 5 mg');
    expect(formatLogLine('log', { level: 'error', message: 'balance timeout' }, new Date(at))).toBe('2026-05-14T10:00:01.250Z ERROR balance timeout');
  });

  it('keeps every event on one line', () => {
    expect(formatLogLine('log', { level: 'warn', message: 'Traceback:\n  line 3\r\nValueError' }, at)).toBe(
      '2026-05-14T10:00:01.250Z WARN Traceback:\\n  line 3\\nValueError',
    );
  });

  it('writes status changes with the prompt or the error', () => {
    expect(formatLogLine('run.status', { status: 'running', waiting: null }, at)).toBe('2026-05-14T10:00:01.250Z INFO status running');
    expect(formatLogLine('run.status', { status: 'waiting', waiting: { promptId: 'p', kind: 'pause', message: 'Refill the vial', since: at } }, at)).toBe(
      '2026-05-14T10:00:01.250Z WARN status waiting: Refill the vial',
    );
    expect(formatLogLine('run.status', { status: 'failed', error: 'pump jammed' }, at)).toBe('2026-05-14T10:00:01.250Z ERROR status failed: pump jammed');
    expect(formatLogLine('run.status', { status: 'completed' }, at)).toBe('2026-05-14T10:00:01.250Z INFO status completed');
  });

  it('leaves other events out', () => {
    expect(formatLogLine('step.started', { instrument: 'deck.sdl', methodName: 'dose' }, at)).toBeUndefined();
    expect(formatLogLine('checkpoint', null, at)).toBeUndefined();
    expect(formatLogLine('progress', { iteration: 1, total: 3, step: 1, steps: 4 }, at)).toBeUndefined();
  });

  const ctx: RunLogContext = { total: 3, steps: true, issuedBy: new Map([['c1', 'alice']]) };
  const line = (type: Parameters<typeof formatLogLine>[0], fields: Parameters<typeof formatLogLine>[1], c = ctx) => formatLogLine(type, fields, at, c)?.slice(at.length + 1);

  it("names phases and iterations as IvoryOS does, with each iteration's parameters", () => {
    expect(line('phase.started', { phase: 'prep', repeatIndex: 1, parameters: null })).toBe('INFO Executing prep steps');
    expect(line('phase.started', { phase: 'main', repeatIndex: 2, parameters: [{ b: 2, a: 'x' }] })).toBe('INFO Executing 2 of 3 with kwargs = [{"a":"x","b":2}]');
    expect(line('phase.started', { phase: 'main', repeatIndex: 2, parameters: null })).toBe('INFO Executing iteration 2 of 3');
    expect(line('phase.started', { phase: 'main', repeatIndex: 1, parameters: null }, { ...ctx, total: null })).toBe('INFO Executing iteration 1 of ?');
    expect(line('phase.started', { phase: 'cleanup', repeatIndex: 1, parameters: null })).toBe('INFO Executing cleanup steps');
    expect(line('phase.finished', { phase: 'main', repeatIndex: 2, outputs: [{ y: 1, x: 2 }] })).toBe('INFO Output value: [{"x":2,"y":1}]');
    expect(line('phase.finished', { phase: 'cleanup', repeatIndex: 1, outputs: [] })).toBe('INFO Finished cleanup steps');
  });

  it("writes one line per step with its method, arguments and outcome; waits when they start", () => {
    const step = { phase: 'main', repeatIndex: 2, stepIndex: 3, sample: 0, instrument: 'deck.sdl', methodName: 'dose', args: { mg: 5 }, attempt: 1, context: {} };
    expect(line('step.finished', { ...step, status: 'completed', output: 0.5 })).toBe("INFO Step 3 (iteration 2) 'sdl.dose' with args {\"mg\":5} completed, output 0.5");
    expect(line('step.finished', { ...step, status: 'failed', output: null, error: 'jammed\nline 2', attempt: 2, sample: 1 })).toBe(
      "ERROR Step 3 (iteration 2, sample 2, attempt 2) 'sdl.dose' with args {\"mg\":5} failed: jammed\\nline 2",
    );
    expect(line('step.finished', { ...step, phase: 'prep', repeatIndex: 1, status: 'interrupted', output: null })).toBe("WARN Step 3 (prep) 'sdl.dose' with args {\"mg\":5} interrupted");
    expect(line('step.finished', { ...step, instrument: 'wait', methodName: 'wait', args: { statement: 2 }, status: 'skipped', output: null })).toBe(
      "WARN Step 3 (iteration 2) 'wait' with args {\"statement\":2} skipped",
    );
    expect(line('step.started', { ...step, instrument: 'wait', methodName: 'wait', args: { statement: '#t * 2' } })).toBe('INFO Waiting #t * 2 s');
  });

  it('leaves completed steps out when step lines are off, never failed, skipped or interrupted ones', () => {
    const off = { ...ctx, steps: false };
    const step = { phase: 'main', repeatIndex: 1, stepIndex: 1, sample: 0, instrument: 'deck.sdl', methodName: 'dose', args: {}, attempt: 1, context: {}, output: null };
    expect(line('step.finished', { ...step, status: 'completed' }, off)).toBeUndefined();
    for (const status of ['failed', 'skipped', 'interrupted']) expect(line('step.finished', { ...step, status }, off)).toContain(status);
    expect(line('step.started', { ...step, instrument: 'wait', methodName: 'wait', args: { statement: 1 } }, off)).toBe('INFO Waiting 1 s');
  });

  it('names who sent each control, and why the agent refused one', () => {
    expect(line('command', { commandId: 'c1', command: 'retry', outcome: 'applied' })).toBe('INFO Control retry by alice: applied');
    expect(line('command', { commandId: 'c2', command: 'skip', outcome: 'refused', reason: 'no failed step' })).toBe('WARN Control skip: refused: no failed step');
  });
});

describe('file names', () => {
  it('keeps readable names and replaces what a file system or a shell would trip on', () => {
    expect(sanitizeFileName('dose series 2')).toBe('dose series 2');
    expect(sanitizeFileName('../../etc/passwd')).toBe('_etc_passwd');
    expect(sanitizeFileName('a/b\\c:d*e?f"g<h>i|j')).toBe('a_b_c_d_e_f_g_h_i_j');
    expect(sanitizeFileName('Lösung für Café')).toBe('Losung fur Cafe');
    expect(sanitizeFileName('..hidden. ')).toBe('_hidden');
    expect(sanitizeFileName('.env')).toBe('env');
    expect(sanitizeFileName('CON')).toBe('_CON');
    expect(sanitizeFileName('nul.txt')).toBe('_nul.txt');
    expect(sanitizeFileName('')).toBe('run');
    expect(sanitizeFileName('///')).toBe('_');
    expect(sanitizeFileName('x'.repeat(300))).toHaveLength(80);
    expect(sanitizeFileName('line\nbreak\0null')).toBe('line_break_null');
  });

  it('names the log by run and id, the results by run and start time', () => {
    expect(runLogFileName('my run', '0b4f6a2e-0000-4000-8000-000000000001')).toBe('my run_0b4f6a2e-0000-4000-8000-000000000001.log');
    expect(resultsFileName('my/run', new Date(2026, 4, 14, 9, 5, 7))).toBe('my_run_2026-05-14 09-05-07.csv');
  });
});
