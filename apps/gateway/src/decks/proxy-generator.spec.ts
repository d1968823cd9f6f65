import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { DeckSchema } from '@ivoryos/contracts';
import { generateProxy } from './proxy-generator';

const schema = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'abstract_sdl.schema.json'), 'utf8')) as DeckSchema;

function typeErrors(source: string): string[] {
  const file = '/virtual/proxy.ts';
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], skipLibCheck: true };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang) => (name === file ? ts.createSourceFile(file, source, lang) : read(name, lang));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('generateProxy', () => {
  const source = generateProxy(schema);

  it('compiles under strict TypeScript', () => {
    expect(typeErrors(source)).toEqual([]);
  });

  it('types arguments and returns from the schema', () => {
    expect(source).toContain('export enum Solvent {\n  Methanol = \'Methanol\',\n  Ethanol = \'Ethanol\',\n  Acetone = \'Acetone\',\n}');
    expect(source).toContain('async analyze(param_1: number, param_2: number): Promise<number>');
    expect(source).toContain('async dose_solvent(solvent_name?: Solvent | null, amount_in_ml?: number, rate_ml_per_minute?: number): Promise<number>');
    expect(source).toContain('async measure(): Promise<[number, number, string]>');
    expect(source).toContain('async tare_offset(): Promise<number>');
    expect(source).toContain("async set_tare_offset(value: number): Promise<null> {\n    return (await this.call('tare_offset_(setter)', { value })) as null;");
    expect(source).toMatch(/export function connect\(options: ClientOptions\) \{\n {2}return \{\n {4}balance: new Balance\(options\),\n {4}bench: new Bench\(options\),\n {4}pump: new Pump\(options\),\n {4}sdl: new Sdl\(options\),/);
  });

  it('keeps a positional optional parameter before a required one, and makes names safe', () => {
    const odd: DeckSchema = {
      schemaVersion: 1, deck: 'odd', hash: 'h'.repeat(64),
      instruments: {
        'deck.x': {
          name: 'deck.x',
          actions: {
            move: {
              name: 'move', kind: 'method', async: false, returns: { kind: 'none', types: [], annotation: 'void' },
              params: [
                { name: 'speed', type: 'float', required: false, default: 1 },
                { name: 'to', type: 'Literal:a,b', required: true, choices: [{ name: 'a', value: 'a' }, { name: 'b', value: 'b' }] },
                { name: 'class', type: 'str', required: false },
              ],
              doc: 'Ends with */ inside',
            },
          },
        },
      },
    };
    const src = generateProxy(odd);
    expect(src).toContain("async move(speed: number | undefined, to: 'a' | 'b', class_?: string): Promise<null>");
    expect(src).toContain("{ speed, to, 'class': class_ }");
    expect(typeErrors(src)).toEqual([]);
  });
});
