import { nameProblem, validateFunctionName } from './names';

describe('validateFunctionName (IvoryOS validate_function_name, §2.3 and case 60)', () => {
  it.each([
    ['invalid-name!', 'invalid_name_'],
    ['1 my-name', '_1_my_name'],
    ['class', 'class_'],
    ['My Workflow', 'My_Workflow'],
    ['function', 'function_'],
    ['', '_'],
  ])('%j -> %j', (name, expected) => {
    expect(validateFunctionName(name)).toBe(expected);
  });
});

describe('nameProblem', () => {
  it.each([
    ['sample_1', null],
    ['_x', null],
    ['1x', "'1x' is not a valid name (letters, digits and _, not starting with a digit)"],
    ['a-b', "'a-b' is not a valid name (letters, digits and _, not starting with a digit)"],
    ['while', "'while' is a reserved word"],
    ['None', "'None' is a reserved word"],
    ['__proto__', "'__proto__' is not allowed as a name"],
    ['__class__', "'__class__' is not allowed as a name"],
    ['constructor', "'constructor' is not allowed as a name"],
  ])('%j', (name, expected) => {
    expect(nameProblem(name)).toBe(expected);
  });
});
