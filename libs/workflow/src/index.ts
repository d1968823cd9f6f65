export type {
  Block, IfNode, ParsedWorkflow, RepeatNode, StepKind, StepNode, WhileNode, WorkflowCallNode, WorkflowIssue, WorkflowNode,
} from './model';
export { classifyAction, nestActions, parseWorkflow, stepIdOf } from './parse';
export type { ActionClass, NestResult, ParseResult } from './parse';
export { offeredRunModes, validateWorkflow } from './validate';
export type { ParameterInfo, ValidationResult } from './validate';
export {
  compileExpression, evaluateCondition, evaluateExpression, expressionError, EXPRESSION_FUNCTIONS, EXPRESSION_LIMITS,
  ExpressionEvalError, ExpressionSyntaxError,
} from './expression';
export type { CompiledExpression, Expr, NameRef } from './expression';
export { convertValue, describeType, parseTypeDescriptor } from './convert';
export type { ConversionResult, ParsedType, TypeAlternative } from './convert';
export { convertParameterRows, hasDuplicateRows, parseConfigCsv } from './config-csv';
export type { ConfigCsvOptions, ConfigCsvResult, ParameterColumn } from './config-csv';
export { argumentReference, MissingValueError, substituteArgs, substituteText } from './references';
export { sanitizeForJson } from './sanitize';
export { storeReturnValue } from './returns';
export { nameProblem, validateFunctionName } from './names';
export { pyRepr, pyStr, truthy } from './python-values';
export { WorkflowInterpreter } from './interpreter/interpreter';
export { WorkflowStructureError } from './interpreter/program';
export { systemClock } from './interpreter/clock';
export { StepInterruptedError } from './interpreter/types';
export type {
  Clock, ControlResult, FinalStatus, InterpreterOptions, JournaledResult, IterationResult, RowSource, RunOutcome, RunPlan, SourceRows, StepCall, StepInvoker,
} from './interpreter/types';
export { CHECKPOINT_VERSION, CheckpointError, readCheckpoint, serializeCheckpoint } from './checkpoint';
export type { RunCheckpoint } from './checkpoint';
export { renderWorkflow } from './render';
export type { RenderOptions } from './render';
export { parseLiteral, pythonToActions, PythonImportError } from './python-import';
export type { PythonImportOptions } from './python-import';
