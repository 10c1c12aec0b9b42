import { withDeadline } from './deadline';

describe('withDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('settles with the work when it finishes in time, and leaves no timer behind', async () => {
    await expect(withDeadline(Promise.resolve(42), 1000, () => new Error('late'))).resolves.toBe(42);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("rejects with the work's own error when it fails in time", async () => {
    await expect(withDeadline(Promise.reject(new Error('db down')), 1000, () => new Error('late'))).rejects.toThrow('db down');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with onTimeout() once ms pass, whatever the work does later', async () => {
    let finish!: (v: number) => void;
    const answer = withDeadline(new Promise<number>((r) => (finish = r)), 2000, () => new Error('no answer within 2000 ms'));
    jest.advanceTimersByTime(1999);
    let settled = false;
    void answer.then(
      () => (settled = true),
      () => (settled = true),
    );
    await Promise.resolve();
    expect(settled).toBe(false);
    jest.advanceTimersByTime(1);
    await expect(answer).rejects.toThrow('no answer within 2000 ms');
    finish(1);
    await expect(answer).rejects.toThrow('no answer within 2000 ms');
  });
});
