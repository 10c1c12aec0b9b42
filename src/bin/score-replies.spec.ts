import { loadCorpus, score } from './score-replies';

describe('the reply corpus and its score', () => {
  it('holds at least 400 labelled replies in six languages, each label an opt-out or a message', () => {
    const corpus = loadCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(400);
    expect(new Set(corpus.map((r) => r.language))).toEqual(new Set(['en', 'fr', 'es', 'de', 'pt', 'it']));
    for (const r of corpus) expect(['opt_out', 'message']).toContain(r.label);
    expect(new Set(corpus.map((r) => `${r.language}\u0000${r.text}`)).size).toBe(corpus.length);
  });

  it('scores recall over the opt-outs, false opt-outs over the rest, and names every miss', () => {
    // A parser that reads "stop" and "cancel" anywhere, and cannot decide on a question.
    const naive = (text: string) => ({
      intent: (/\?$/.test(text) ? 'unclear' : /stop|cancel/i.test(text) ? 'opt_out' : 'message') as never,
      matched: 'naive',
    });
    const s = score(
      [
        { text: 'STOP', language: 'en', label: 'opt_out' },
        { text: 'unsubscibe', language: 'en', label: 'opt_out' },
        { text: 'What time do you close?', language: 'en', label: 'message' },
        { text: 'cancel my order', language: 'en', label: 'message' },
      ],
      naive,
    );
    expect(s).toMatchObject({ replies: 4, recall: 0.5, falseOptOutRate: 0.5, unclearRate: 0.25 });
    expect(s.misses.map((m) => m.text)).toEqual(['unsubscibe', 'cancel my order']);
  });

  it('the parser reads the corpus as the service promises: recall at least 99%, false opt-outs at most 1%, unclear at most 5%', () => {
    const s = score(loadCorpus());
    // On failure, npm run replies:score lists every miss.
    expect(s.recall).toBeGreaterThanOrEqual(0.99);
    expect(s.falseOptOutRate).toBeLessThanOrEqual(0.01);
    expect(s.unclearRate).toBeLessThanOrEqual(0.05);
  });
});
