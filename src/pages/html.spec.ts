import { escapeHtml, html } from './html';

describe('HTML templates', () => {
  it('write every value as text: markup in a value is shown, never run', () => {
    const name = `<script>alert("x")</script> & 'more'`;
    expect(html`<p>${name}</p>`.markup).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;</p>');
  });

  it('keep a quoted attribute closed whatever the value holds', () => {
    expect(html`<a href="${'" onclick="steal()'}">x</a>`.markup).toBe('<a href="&quot; onclick=&quot;steal()">x</a>');
  });

  it('write nested templates as markup, lists in order, and nothing for null, undefined and false', () => {
    const items = ['a<b', 'c'].map((i) => html`<li>${i}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.markup).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });

  it('escape the five characters that matter, and only those', () => {
    expect(escapeHtml(`&<>"' éß€`)).toBe('&amp;&lt;&gt;&quot;&#39; éß€');
  });
});
