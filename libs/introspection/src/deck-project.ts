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

export interface DeckSource {
  sourceFile: SourceFile;
  checker: ts.TypeChecker;
}

/**
 * One ts-morph project per introspection, rooted at the deck file. Imported files (base
 * classes, enums, .js helpers) are pulled in by the compiler; the tsconfig's `include` is not.
 */
export function loadDeckSource(file: string, tsconfig?: string): DeckSource {
  const configPath = tsconfig ?? ts.findConfigFile(dirname(file), ts.sys.fileExists);
  const project = new Project({
    ...(configPath ? { tsConfigFilePath: configPath } : {}),
    skipAddingFilesFromTsConfig: true,
    compilerOptions: { ...(configPath ? {} : DEFAULT_OPTIONS), ...REQUIRED_OPTIONS },
  });
  const sourceFile = project.addSourceFileAtPath(file);
  return { sourceFile, checker: project.getTypeChecker().compilerObject };
}
