/**
 * The answers of a pure function, kept by key. When `max` are held they are all dropped:
 * answers are cheap to compute again, and no eviction order is worth its upkeep on a hot path.
 */
export class BoundedMemo<V> {
  private readonly answers = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string, compute: () => V): V {
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = compute();
      if (this.answers.size >= this.max) this.answers.clear();
      this.answers.set(key, answer);
    }
    return answer;
  }
}
