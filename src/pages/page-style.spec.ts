import { contrast, pageStyle, textOn } from './page-style';

describe('page style', () => {
  it('computes WCAG contrast ratios: black on white is 21:1, a colour on itself 1:1', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#777777')).toBe(1);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  it('writes on any brand colour in black or white, whichever reads at 4.5:1 or more', () => {
    expect(textOn('#ffff00')).toBe('#000000');
    expect(textOn('#1f4e79')).toBe('#ffffff');
    for (let r = 0; r < 256; r += 51) {
      for (let g = 0; g < 256; g += 51) {
        for (let b = 0; b < 256; b += 51) {
          const hex = `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
          expect(contrast(hex, textOn(hex))).toBeGreaterThanOrEqual(4.5);
        }
      }
    }
  });

  it('puts the brand colour in the stylesheet, and its version changes with it', () => {
    const plain = pageStyle(undefined);
    const red = pageStyle('#b00020');
    expect(red.css).toContain('--brand:#b00020;--on-brand:#ffffff');
    expect(red.version).not.toBe(plain.version);
    expect(pageStyle('#b00020').version).toBe(red.version);
  });
});
