/** The console's stylesheet, added once by {@link addStyles}. */
const CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1d2430; background: #f4f6f9; }
.mono, code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
header { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #1d2430; color: #fff; }
header h1 { font-size: 16px; margin: 0; font-weight: 600; }
header .stat { opacity: .85; }
header nav { display: flex; gap: 4px; margin-left: auto; }
header nav button { background: transparent; color: #cfd6e2; border: 0; padding: 6px 10px; border-radius: 4px; cursor: pointer; font: inherit; }
header nav button.active { background: #3b4658; color: #fff; }
main { padding: 16px; }
button { font: inherit; padding: 4px 10px; border: 1px solid #b6bfcc; background: #fff; border-radius: 4px; cursor: pointer; }
button.primary { background: #2c6bed; color: #fff; border-color: #2c6bed; }
button.danger { background: #c8322b; color: #fff; border-color: #c8322b; }
button.small { padding: 1px 6px; font-size: 12px; }
input, select { font: inherit; padding: 3px 6px; border: 1px solid #b6bfcc; border-radius: 4px; background: #fff; }
table.grid { border-collapse: collapse; background: #fff; width: 100%; }
table.grid th, table.grid td { border-bottom: 1px solid #e3e7ee; padding: 4px 8px; text-align: left; vertical-align: top; }
table.grid th { background: #eef1f6; font-weight: 600; position: sticky; top: 0; }
table.grid tr.selected td { background: #fff6d6; }
table.grid td.err { color: #b3261e; }
table.grid td.ok { color: #1b7f3b; }
.layout { display: grid; grid-template-columns: 230px 1fr; gap: 16px; align-items: start; }
.side { background: #fff; border: 1px solid #dde2ea; border-radius: 6px; padding: 6px; }
.side button { display: flex; width: 100%; justify-content: space-between; border: 0; background: none; padding: 5px 8px; text-align: left; }
.side button.active { background: #e3ecff; }
.count { background: #e8ebf0; border-radius: 9px; padding: 0 7px; font-size: 12px; }
.tag { font-size: 11px; color: #6b7687; margin-left: 4px; }
.panel { background: #fff; border: 1px solid #dde2ea; border-radius: 6px; padding: 12px; margin-bottom: 12px; overflow-x: auto; }
.panel h2 { font-size: 15px; margin: 0 0 8px; }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 8px; }
.timeline { display: flex; gap: 8px; align-items: center; margin: 6px 0 10px; }
.timeline input[type=range] { flex: 1; }
.asof { color: #8a5a00; font-weight: 600; }
.live { color: #1b7f3b; font-weight: 600; }
.error { color: #b3261e; margin: 6px 0; white-space: pre-wrap; }
.muted { color: #6b7687; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
.chart { background: #fff; border: 1px solid #dde2ea; border-radius: 6px; padding: 8px 10px; }
.chart .title { display: flex; justify-content: space-between; font-weight: 600; }
.chart svg { width: 100%; height: 90px; display: block; }
.login { max-width: 420px; margin: 80px auto; background: #fff; padding: 24px; border-radius: 8px; border: 1px solid #dde2ea; }
.login input { width: 100%; margin: 8px 0; }
dialog { border: 1px solid #b6bfcc; border-radius: 8px; max-width: 640px; }
dialog pre { background: #f1f3f7; padding: 8px; white-space: pre-wrap; word-break: break-all; }
.filter-row input { width: 100%; min-width: 60px; font-size: 12px; }
`;

/** Adds the stylesheet to the document head. */
export function addStyles(): void {
  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.append(style);
}
