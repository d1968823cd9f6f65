import { resolve } from 'node:path';
import type { ActionSchema, DeckSchema, InstrumentSchema } from '@ivoryos/contracts';
import { Node, Type, ts } from 'ts-morph';
import { loadDeckSource } from './deck-project';
import { jsDocDescription } from './jsdoc';
import { runtimeOnlyActions } from './runtime-action';
import { describeRuntime, type RuntimeInstrument, type RuntimeShape } from './runtime-members';
import { hashDeckSchema } from './schema-hash';
import { sourceActions, type SourceContext } from './source-actions';

export interface IntrospectDeckOptions {
  /** Deck name: the schema's `deck` and the `<deck>` of `Enum:<deck>.<Name>`. */
  deckName: string;
  /** Path of the deck module's source (.ts or .js). */
  file: string;
  /** The loaded module's exports; instances among them become instruments `deck.<name>`. */
  exports?: object;
  /** Instead of `exports`: the same described as plain data by `describeRuntime` (in another process). */
  runtime?: RuntimeShape;
  /** tsconfig for path aliases and compiler options; default: the nearest tsconfig.json above `file`. */
  tsconfig?: string;
  /** Export names to leave out, like IvoryOS's `exclude_names`. */
  exclude?: readonly string[];
  /** Told about every left-out method and every member typed from runtime only. */
  log?: (message: string) => void;
}

type Skipped = NonNullable<DeckSchema['skipped']>;

/**
 * The deck's interface: every exported object instance with its public methods and
 * accessors, typed from the source through the TypeScript checker and limited to what
 * exists on the runtime object. Nothing is called; getters are read as descriptors.
 */
export function introspectDeck(options: IntrospectDeckOptions): DeckSchema {
  return introspectDeckSources(options).schema;
}

/**
 * The schema and every file the type checker read to make it (the deck, what it imports, the
 * declaration files, the tsconfig): the same files with the same contents give the same schema.
 */
export function introspectDeckSources(options: IntrospectDeckOptions): { schema: DeckSchema; sources: string[] } {
  const file = resolve(options.file);
  const { sourceFile, checker, sources } = loadDeckSource(file, options.tsconfig);
  const exported = sourceFile.getExportedDeclarations();
  const instruments: Record<string, InstrumentSchema> = {};
  const skipped: Skipped = [];
  const log = options.log ?? (() => undefined);
  const runtime = options.runtime ?? describeRuntime(options.exports ?? {});

  for (const [name, found] of Object.entries(runtime)) {
    if (options.exclude?.includes(name)) continue;
    const instrument = `deck.${name}`;
    const decl = exported.get(name)?.[0];
    const built = buildInstrument(instrument, found, decl, { deckName: options.deckName, checker }, log);
    instruments[instrument] = built.schema;
    skipped.push(...built.skipped);
  }

  const body = { schemaVersion: 1 as const, deck: options.deckName, instruments };
  const schema: DeckSchema = {
    ...body,
    hash: hashDeckSchema(body),
    source: { file, language: /\.[cm]?jsx?$/.test(file) ? 'js' : 'ts' },
    skipped,
  };
  return { schema, sources: sources() };
}

function buildInstrument(
  instrument: string,
  found: RuntimeInstrument,
  decl: Node | undefined,
  ctx: Omit<SourceContext, 'at'>,
  log: (message: string) => void,
): { schema: InstrumentSchema; skipped: Skipped } {
  const type = decl?.getType();
  const typed = decl && type && !type.isAny() && !type.isUnknown() ? { decl, type } : undefined;
  if (!typed) log(`${instrument}: no typed declaration in the source; every member is typed from runtime (any)`);
  const actions: Record<string, ActionSchema> = {};
  const skipped: Skipped = [];

  for (const member of found.members) {
    const symbol = typed?.type.getProperty(member.name);
    const result = symbol && typed ? sourceActions(member, symbol, { ...ctx, at: typed.decl }) : { status: 'unknown' as const };
    if (result.status === 'hidden') continue;
    if (result.status === 'unknown') {
      if (typed) log(`${instrument}.${member.name}: not found in the source; parameters typed any from the runtime function`);
      for (const action of runtimeOnlyActions(member)) actions[action.name] = action;
      continue;
    }
    for (const action of result.actions) actions[action.name] = action;
    for (const skip of result.skipped) {
      log(`${instrument}.${skip.action} left out: ${skip.reason}`);
      skipped.push({ instrument, ...skip });
    }
  }

  const classDecl = typed ? classDeclaration(typed.type) : undefined;
  const className = classDecl?.name?.text ?? found.className;
  const doc = classDecl ? jsDocDescription(classDecl) : undefined;
  return { schema: { name: instrument, ...(className ? { className } : {}), ...(doc ? { doc } : {}), actions }, skipped };
}

function classDeclaration(type: Type): ts.ClassLikeDeclaration | undefined {
  const decl = type.getSymbol()?.getDeclarations()[0]?.compilerNode;
  return decl && ts.isClassLike(decl) ? decl : undefined;
}
