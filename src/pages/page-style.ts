/**
 * The pages' one stylesheet, served from this origin (the Content-Security-Policy allows no
 * inline style). BRAND_COLOR paints the header and the main buttons; the text on it is black
 * or white, whichever contrasts more, so that any brand colour stays readable (WCAG 1.4.3).
 */
import { createHash } from 'node:crypto';

const DEFAULT_BRAND = '#1f4e79';

function channelLuminance(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of `#rrggbb`. */
export function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.2126 * channelLuminance(r) + 0.7152 * channelLuminance(g) + 0.0722 * channelLuminance(b);
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Black or white: whichever reads better on `background` (one of them always reaches 4.5:1). */
export function textOn(background: string): '#000000' | '#ffffff' {
  return contrast(background, '#000000') >= contrast(background, '#ffffff') ? '#000000' : '#ffffff';
}

export interface PageStyle {
  css: string;
  /** Changes with the content: the stylesheet's URL carries it, so it can be cached for good. */
  version: string;
}

export function pageStyle(brandColor: string | undefined): PageStyle {
  const brand = brandColor ?? DEFAULT_BRAND;
  const onBrand = textOn(brand);
  const css = `:root{--brand:${brand};--on-brand:${onBrand};--text:#1b1b1b;--muted:#4a4a4a;--line:#8a8a8a;--focus:#0b57d0;--ok:#0a5c2c;--error:#a4161a}
*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:100%;line-height:1.5;color:var(--text);background:#fff;-webkit-text-size-adjust:100%}
body{margin:0}
a{color:#0b4a9e;text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.visually-hidden{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
header.brand{background:var(--brand);color:var(--on-brand);padding:.75rem 1rem}
header.brand .inner{max-width:44rem;margin:0 auto;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header.brand .name{font-weight:700;font-size:1.125rem;display:flex;align-items:center;gap:.5rem}
header.brand img{max-height:2rem;width:auto}
header.brand a{color:var(--on-brand)}
nav.languages ul{list-style:none;margin:0;padding:0;display:flex;gap:.75rem;flex-wrap:wrap}
nav.languages a[aria-current]{font-weight:700;text-decoration:none}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.25rem;margin:0 0 .5rem}
p{margin:0 0 .75rem}
section,fieldset{margin:0 0 1.5rem}
fieldset{border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem}
legend{font-weight:700;font-size:1.125rem;padding:0 .25rem}
.help{color:var(--muted)}
.status{border-left:6px solid var(--ok);background:#eef7f1;padding:.75rem 1rem;margin:0 0 1rem}
.errors{border-left:6px solid var(--error);background:#fcefef;padding:.75rem 1rem;margin:0 0 1rem}
.errors ul{margin:.25rem 0 0;padding-left:1.25rem}
.grid-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:0 0 .75rem}
caption{text-align:left;font-weight:700;padding:0 0 .5rem}
th,td{border-bottom:1px solid var(--line);padding:.5rem .25rem;text-align:center;vertical-align:middle;overflow-wrap:anywhere}
th[scope=row],thead th:first-child{text-align:left}
thead th{font-size:.9rem}
input[type=checkbox],input[type=radio]{width:1.5rem;height:1.5rem;margin:0;accent-color:var(--brand);vertical-align:middle}
label.check{display:flex;gap:.5rem;align-items:center;min-height:2.75rem;padding:.25rem 0}
td label.cell{display:inline-flex;min-width:2.75rem;min-height:2.75rem;align-items:center;justify-content:center;cursor:pointer}
.na{color:var(--muted)}
.times{display:flex;flex-wrap:wrap;gap:1rem}
.times label{display:flex;flex-direction:column;gap:.25rem;font-weight:600}
input[type=time]{font:inherit;padding:.5rem;min-height:2.75rem;border:1px solid var(--line);border-radius:4px}
.actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:1.5rem 0}
button{font:inherit;font-weight:700;min-height:2.75rem;padding:.6rem 1.25rem;border-radius:6px;border:2px solid var(--brand);cursor:pointer}
button.primary{background:var(--brand);color:var(--on-brand)}
button.secondary{background:#fff;color:#1b1b1b;border-color:#1b1b1b}
.notice{font-size:.95rem}
ul.always{padding-left:1.25rem}
footer{max-width:44rem;margin:2rem auto;padding:0 1rem;color:var(--muted);font-size:.9rem}
`;
  return { css, version: createHash('sha256').update(css).digest('hex').slice(0, 12) };
}
