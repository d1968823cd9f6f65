import { ts } from 'ts-morph';

/** The description of the JSDoc block closest to a declaration, without tags. */
export function jsDocDescription(node: ts.Node): string | undefined {
  const blocks = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const last = blocks[blocks.length - 1];
  return clean(last ? ts.getTextOfJSDocComment(last.comment) : undefined);
}

/** The text of `@param name text` for one parameter. */
export function jsDocParamText(param: ts.ParameterDeclaration): string | undefined {
  const texts = ts.getJSDocParameterTags(param).map((tag) => clean(ts.getTextOfJSDocComment(tag.comment)));
  return texts.find((text) => text !== undefined);
}

/** `@param [name]` (JSDoc's optional parameter). */
export function jsDocOptional(param: ts.ParameterDeclaration): boolean {
  return ts.getJSDocParameterTags(param).some((tag) => tag.isBracketed);
}

// `@param x - the x` is common; the dash is punctuation, not text.
function clean(text: string | undefined): string | undefined {
  const trimmed = text?.trim().replace(/^-\s*/, '');
  return trimmed ? trimmed : undefined;
}
