/**
 * A report as a list of blocks (headings, paragraphs, tables, charts), rendered to Markdown for
 * READMEs and terminals and to one self-contained HTML page with the charts inline.
 */

/** A table of already formatted cells. */
export interface ReportTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns aligned right (numbers). @default every column but the first */
  readonly alignRight?: readonly number[];
}

/** One block of a report. */
export type ReportBlock =
  | { readonly kind: 'heading'; readonly text: string; readonly level?: 2 | 3 }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'table'; readonly table: ReportTable }
  | { readonly kind: 'chart'; readonly svg: string };

/** A whole report. */
export interface ReportDocument {
  readonly title: string;
  readonly blocks: readonly ReportBlock[];
}

function markdownTable(table: ReportTable): string {
  const right = new Set(table.alignRight ?? table.headers.map((_, i) => i).filter((i) => i > 0));
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `| ${table.headers.map(cell).join(' | ')} |`,
    `|${table.headers.map((_, i) => (right.has(i) ? ' ---: ' : ' --- ')).join('|')}|`,
    ...table.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * Renders a report as Markdown; charts are left out (they live in the HTML page).
 * @example
 * renderMarkdown({ title: 'Load test', blocks: [{ kind: 'text', text: 'ok' }] }); // -> '# Load test\n\nok\n'
 */
export function renderMarkdown(doc: ReportDocument): string {
  const out = [`# ${doc.title}`];
  for (const block of doc.blocks) {
    if (block.kind === 'heading') out.push(`${'#'.repeat(block.level ?? 2)} ${block.text}`);
    else if (block.kind === 'text') out.push(block.text);
    else if (block.kind === 'table') out.push(markdownTable(block.table));
  }
  return out.join('\n\n') + '\n';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline Markdown the reports use: `code` and **bold**. */
function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** Renders a report as one self-contained HTML page (inline CSS and SVG, no scripts). */
export function renderHtml(doc: ReportDocument): string {
  const body: string[] = [`<h1>${escapeHtml(doc.title)}</h1>`];
  for (const block of doc.blocks) {
    if (block.kind === 'heading')
      body.push(`<h${block.level ?? 2}>${inline(block.text)}</h${block.level ?? 2}>`);
    else if (block.kind === 'text') body.push(`<p>${inline(block.text)}</p>`);
    else if (block.kind === 'chart') body.push(`<figure>${block.svg}</figure>`);
    else {
      const right = new Set(
        block.table.alignRight ?? block.table.headers.map((_, i) => i).filter((i) => i > 0),
      );
      const th = block.table.headers
        .map((h, i) => `<th${right.has(i) ? ' class="r"' : ''}>${inline(h)}</th>`)
        .join('');
      const rows = block.table.rows.map(
        (r) =>
          `<tr>${r.map((c, i) => `<td${right.has(i) ? ' class="r"' : ''}>${inline(c)}</td>`).join('')}</tr>`,
      );
      body.push(`<table><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table>`);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#111827}
table{border-collapse:collapse;margin:1rem 0;font-size:14px}th,td{border:1px solid #d1d5db;padding:4px 8px}
th{background:#f3f4f6}td.r,th.r{text-align:right}code{background:#f3f4f6;padding:1px 4px;border-radius:3px}
figure{margin:1rem 0}
</style></head><body>
${body.join('\n')}
</body></html>
`;
}
