import { Readable } from 'node:stream';
import { csvRecords, ImportRecord, MalformedImport } from './import-reader';

async function read(text: string): Promise<{ records: ImportRecord[]; flaw: MalformedImport | null }> {
  const records: ImportRecord[] = [];
  try {
    for await (const record of csvRecords(Readable.from([text]))) records.push(record);
    return { records, flaw: null };
  } catch (error) {
    if (error instanceof MalformedImport) return { records, flaw: error };
    throw error;
  }
}

describe('csvRecords: a file that cannot be read past a line', () => {
  // The parser's own messages quote the cell ("value is \"+14155550177\""): a phone number in
  // the log and in the import's stored error. Ours say where and what, never the value.
  it.each([
    ['a quote inside a cell', 'phone_number,date\n+14155550100,2026-01-01\n+14155550177 "x",2026-01-01\n', 3, 'line 3, column 1: unexpected quote'],
    ['a character after a closing quote', 'phone_number,date\n"+14155550177"x,2026-01-01\n', 2, 'line 2, column 1: unexpected character after a closing quote'],
    ['a quote never closed', 'phone_number\n+14155550100\n"+14155550177\n', 3, 'line 3: unterminated quote'],
    ['a second column with a stray quote', 'date,phone_number\n2026-01-01,+14155550177 "\n', 2, 'line 2, column 2: unexpected quote'],
  ])('%s: the line and column, without the value', async (_name, text, line, described) => {
    const { flaw } = await read(text);
    expect(flaw).toBeInstanceOf(MalformedImport);
    expect({ line: flaw!.line, described: flaw!.describe() }).toEqual({ line, described });
    expect(`${flaw!.message} ${flaw!.describe()}`).not.toMatch(/5550177/);
  });

  it('hands over every record before the flaw, then stops', async () => {
    const { records, flaw } = await read('phone_number\n+14155550100\n+14155550101\n+1415 "5550177\n+14155550102\n');
    expect(records.map((r) => r.fields?.address)).toEqual(['+14155550100', '+14155550101']);
    expect(flaw?.line).toBe(4);
  });
});
