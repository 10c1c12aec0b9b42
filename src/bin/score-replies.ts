/**
 * `npm run replies:score` — how well the reply parser reads replies as customers write them:
 * the labelled corpus `test/fixtures/replies.jsonl` (one JSON object a line: text, language,
 * label `opt_out` or `message`), scored by
 *   - recall of opt-outs: of the replies that are opt-outs, the share read as opt-outs;
 *   - false opt-out rate: of the replies that are not, the share read as opt-outs;
 *   - unclear rate: the share of all replies the parser could not decide.
 * Prints the three numbers overall and per language, then every miss. `--json` prints the
 * numbers only, as JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParsedReply, parseReply } from '../inbound/reply-parser';

export interface LabelledReply {
  text: string;
  language: string;
  label: 'opt_out' | 'message';
}

export interface ReplyScore {
  replies: number;
  recall: number;
  falseOptOutRate: number;
  unclearRate: number;
  misses: { text: string; language: string; label: string; read: string; rule: string }[];
}

export const CORPUS = join(__dirname, '..', '..', 'test', 'fixtures', 'replies.jsonl');

export function loadCorpus(path = CORPUS): LabelledReply[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LabelledReply);
}

export function score(corpus: readonly LabelledReply[], parse: (text: string) => Pick<ParsedReply, 'intent' | 'matched'> = parseReply): ReplyScore {
  let optOuts = 0;
  let caught = 0;
  let others = 0;
  let falseOptOuts = 0;
  let unclear = 0;
  const misses: ReplyScore['misses'] = [];
  for (const r of corpus) {
    const parsed = parse(r.text);
    const read = parsed.intent as string;
    if (read === 'unclear') unclear++;
    if (r.label === 'opt_out') {
      optOuts++;
      if (read === 'opt_out') caught++;
    } else {
      others++;
      if (read === 'opt_out') falseOptOuts++;
    }
    if ((r.label === 'opt_out') !== (read === 'opt_out')) misses.push({ text: r.text, language: r.language, label: r.label, read, rule: parsed.matched });
  }
  return {
    replies: corpus.length,
    recall: optOuts ? caught / optOuts : 1,
    falseOptOutRate: others ? falseOptOuts / others : 0,
    unclearRate: corpus.length ? unclear / corpus.length : 0,
    misses,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

if (require.main === module) {
  const corpus = loadCorpus();
  const all = score(corpus);
  if (process.argv.includes('--json')) {
    const { misses: _m, ...numbers } = all;
    console.log(JSON.stringify(numbers));
  } else {
    const languages = [...new Set(corpus.map((r) => r.language))];
    console.log('language  replies  recall  false opt-outs  unclear');
    for (const [name, s] of [['all', all] as const, ...languages.map((l) => [l, score(corpus.filter((r) => r.language === l))] as const)]) {
      console.log(
        `${name.padEnd(8)}  ${String(s.replies).padStart(7)}  ${pct(s.recall).padStart(6)}  ${pct(s.falseOptOutRate).padStart(14)}  ${pct(s.unclearRate).padStart(7)}`,
      );
    }
    console.log(`\n${all.misses.length} misses:`);
    for (const m of all.misses) console.log(`  [${m.language}] ${m.label.padEnd(8)} read ${m.read.padEnd(8)} (${m.rule}): ${JSON.stringify(m.text)}`);
  }
}
