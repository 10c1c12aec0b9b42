/**
 * Gathers the calls made in one turn of the event loop that share a key, and answers them with
 * one run over all of them. Requests that reach the service together (one poll of the sockets)
 * each ask alone; their lookups can still be one statement. Nothing waits for company: the group
 * closes when the turn's I/O callbacks are done (setImmediate), so a call made alone runs alone,
 * microseconds later. A group holds at most `maxSize` calls; the next call starts another.
 */
export class SameTurnBatcher<Item, Result> {
  private groups = new Map<string, Group<Item, Result>>();
  private scheduled = false;

  /**
   * `run` answers the items of one group, in their order; when it fails, every call of the
   * group fails with its error.
   */
  constructor(
    private readonly run: (key: string, items: Item[]) => Promise<Result[]>,
    private readonly maxSize: number,
  ) {}

  add(key: string, item: Item): Promise<Result> {
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { items: [], waiting: [] }));
    const answer = new Promise<Result>((resolve, reject) => group.waiting.push({ resolve, reject }));
    group.items.push(item);
    if (group.items.length >= this.maxSize) {
      this.groups.delete(key);
      this.start(key, group);
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return answer;
  }

  private flush(): void {
    this.scheduled = false;
    const groups = this.groups;
    this.groups = new Map();
    for (const [key, group] of groups) this.start(key, group);
  }

  private start(key: string, { items, waiting }: Group<Item, Result>): void {
    // An async function: a run that throws before it returns a promise fails its calls too.
    const running = (async () => this.run(key, items))();
    running.then(
      (results) => {
        for (let i = 0; i < waiting.length; i++) waiting[i].resolve(results[i]);
      },
      (error: unknown) => {
        for (const w of waiting) w.reject(error);
      },
    );
  }
}

interface Group<Item, Result> {
  items: Item[];
  waiting: { resolve: (result: Result) => void; reject: (error: unknown) => void }[];
}
