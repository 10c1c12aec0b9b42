import { SameTurnBatcher } from './same-turn-batcher';

/** A batcher whose runs are recorded and answer each item doubled. */
function recording(maxSize = 100) {
  const runs: { key: string; items: number[] }[] = [];
  const batcher = new SameTurnBatcher<number, number>((key, items) => {
    runs.push({ key, items: [...items] });
    return Promise.resolve(items.map((n) => n * 2));
  }, maxSize);
  return { batcher, runs };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SameTurnBatcher', () => {
  it('answers the calls of one turn that share a key with one run, each with its own result', async () => {
    const { batcher, runs } = recording();
    const answers = Promise.all([batcher.add('a', 1), batcher.add('a', 2), batcher.add('a', 3)]);
    await expect(answers).resolves.toEqual([2, 4, 6]);
    expect(runs).toEqual([{ key: 'a', items: [1, 2, 3] }]);
  });

  it('runs each key of a turn apart', async () => {
    const { batcher, runs } = recording();
    const answers = Promise.all([batcher.add('a', 1), batcher.add('b', 2), batcher.add('a', 3)]);
    await expect(answers).resolves.toEqual([2, 4, 6]);
    expect(runs).toEqual([
      { key: 'a', items: [1, 3] },
      { key: 'b', items: [2] },
    ]);
  });

  it('does not hold a call for a later turn: a call made alone runs alone, in the turn it was made', async () => {
    const { batcher, runs } = recording();
    const first = batcher.add('a', 1);
    await nextTurn();
    expect(runs).toEqual([{ key: 'a', items: [1] }]);
    await expect(first).resolves.toBe(2);
    const second = batcher.add('a', 5);
    await expect(second).resolves.toBe(10);
    expect(runs).toEqual([
      { key: 'a', items: [1] },
      { key: 'a', items: [5] },
    ]);
  });

  it('starts a full group at once, and the next call in another group', async () => {
    const { batcher, runs } = recording(2);
    const answers = Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add('a', n)));
    expect(runs).toEqual([
      { key: 'a', items: [1, 2] },
      { key: 'a', items: [3, 4] },
    ]);
    await expect(answers).resolves.toEqual([2, 4, 6, 8, 10]);
    expect(runs[2]).toEqual({ key: 'a', items: [5] });
  });

  it("fails every call of a group with its run's error, and only that group's", async () => {
    const batcher = new SameTurnBatcher<number, number>(
      (key, items) => (key === 'down' ? Promise.reject(new Error('database unavailable')) : Promise.resolve(items)),
      100,
    );
    const failing = [batcher.add('down', 1), batcher.add('down', 2)];
    const fine = batcher.add('up', 3);
    for (const call of failing) await expect(call).rejects.toThrow('database unavailable');
    await expect(fine).resolves.toBe(3);
  });

  it('turns a run that throws before it returns a promise into a failure of its calls', async () => {
    const batcher = new SameTurnBatcher<number, number>(() => {
      throw new Error('bad statement');
    }, 100);
    await expect(batcher.add('a', 1)).rejects.toThrow('bad statement');
  });
});
