import type { ComponentChildren } from 'preact';

/**
 * A table that scrolls sideways on a narrow screen instead of widening the page; the scrolling
 * region is focusable and named, so keyboard users can scroll it too.
 */
export function ScrollTable(props: { labelledBy?: string; label?: string; columns: string[]; children: ComponentChildren }) {
  return (
    <div class="scroll" tabIndex={0} role="region" aria-labelledby={props.labelledBy} aria-label={props.label}>
      <table>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
