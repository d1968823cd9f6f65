import { dirname } from 'node:path';
import { Project, SourceFile, ts } from 'ts-morph';

// Without a tsconfig: modern resolution that also finds extensionless relative imports.
const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  types: ['node'],
};

// Whatever the deck's tsconfig says: JavaScript decks are read, and `T | undefined` is kept apart from `T`.
const REQUIRED_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  strictNullChecks: true,
  noEmit: true,
  skipLibCheck: true,
};

// Test-runner globals never type deck code, and loading them doubles the checker's time and memory.
const TEST_RUNNER_TYPES = /^(@types\/)?(jest|mocha|jasmine|vitest(\/globals)?)$/;

export interface DeckSource {
  sourceFile: SourceFile;
  checker: ts.TypeChecker;
  /** Every file on disk the program has read so far, the tsconfig included; call after type checking. */
  sources: () => string[];
}

/**
 * One ts-morph project per introspection, rooted at the deck file. Imported files (base
 * classes, enums, .js helpers) are pulled in by the compiler; the tsconfig's `include` is not.
 */
export function loadDeckSource(file: string, tsconfig?: string): DeckSource {
  const configPath = tsconfig ?? ts.findConfigFile(dirname(file), ts.sys.fileExists);
  const config = configPath ? readConfig(configPath) : { options: DEFAULT_OPTIONS, files: [] };
  const { options } = config;
  const types = options.types?.filter((name) => !TEST_RUNNER_TYPES.test(name));
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: { ...options, ...REQUIRED_OPTIONS, ...(types ? { types } : {}) },
  });
  const sourceFile = project.addSourceFileAtPath(file);
  const sources = () => {
    const read = project.getProgram().compilerObject.getSourceFiles().map((f) => f.fileName);
    return [...new Set([...config.files, ...read])].filter((path) => ts.sys.fileExists(path));
  };
  return { sourceFile, checker: project.getTypeChecker().compilerObject, sources };
}

/** The compiler options of a tsconfig, and its files: itself and every config it extends. */
function readConfig(configPath: string): { options: ts.CompilerOptions; files: string[] } {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(`Cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, host);
  if (!parsed) throw new Error(`Cannot read ${configPath}`);
  const extended = (parsed.options['configFile'] as ts.TsConfigSourceFile | undefined)?.extendedSourceFiles ?? [];
  return { options: parsed.options, files: [configPath, ...extended] };
}
