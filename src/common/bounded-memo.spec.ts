import { BoundedMemo } from './bounded-memo';

describe('BoundedMemo', () => {
  it('computes an answer once per key', () => {
    const memo = new BoundedMemo<number>(10);
    let computed = 0;
    const square = (n: number) => memo.get(String(n), () => (computed++, n * n));
    expect([square(3), square(3), square(4)]).toEqual([9, 9, 16]);
    expect(computed).toBe(2);
  });

  it('holds at most max answers, dropping them all when full', () => {
    const memo = new BoundedMemo<number>(2);
    let computed = 0;
    const get = (key: string) => memo.get(key, () => ++computed);
    get('a');
    get('b');
    get('c'); // full: a and b dropped
    expect(get('c')).toBe(3);
    expect(get('a')).toBe(4);
  });
});
