import { formatLogLine, resultsFileName, runLogFileName, sanitizeFileName } from './run-log-format';

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
    expect(formatLogLine('step.started', { methodName: 'dose' }, at)).toBeUndefined();
    expect(formatLogLine('checkpoint', null, at)).toBeUndefined();
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
