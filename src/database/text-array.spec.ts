import { textArray } from './text-array';

describe('textArray: a PostgreSQL array literal of text', () => {
  it('quotes every element, so commas, braces, spaces and the word NULL stay text', () => {
    expect(textArray(['+14155550100', 'a,b', '{x}', ' padded ', 'NULL', ''])).toBe('{"+14155550100","a,b","{x}"," padded ","NULL",""}');
  });

  it('writes nulls as NULL, unquoted', () => {
    expect(textArray([null, 'cus_1', null])).toBe('{NULL,"cus_1",NULL}');
  });

  it('escapes double quotes and backslashes', () => {
    expect(textArray(['say "hi"', 'back\\slash'])).toBe('{"say \\"hi\\"","back\\\\slash"}');
  });

  it('gives an empty array for no elements', () => {
    expect(textArray([])).toBe('{}');
  });
});
