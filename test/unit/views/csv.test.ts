// CSV text: RFC 4180 quoting and line breaks, and no cell a spreadsheet would run as a formula.
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../src/views/csv.js';

describe('toCsv', () => {
  it('writes CRLF records and quotes commas, quotes and line breaks', () => {
    const csv = toCsv([
      ['name', 'note', 'count'],
      ['Doe, Jane', 'said "hi"\nthen left', 3],
      ['Bo', undefined, null],
    ]);
    expect(csv).toBe('name,note,count\r\n"Doe, Jane","said ""hi""\nthen left",3\r\nBo,,\r\n');
  });

  it('defuses formulas but keeps phone numbers and signed numbers as they are', () => {
    const csv = toCsv([['=HYPERLINK("x")', '@SUM(A1)', '+12059300920', '-7', '+cmd|calc', '-2+3*A1', 'plain']]);
    expect(csv).toBe(`"'=HYPERLINK(""x"")",'@SUM(A1),+12059300920,-7,'+cmd|calc,'-2+3*A1,plain\r\n`);
  });
});
