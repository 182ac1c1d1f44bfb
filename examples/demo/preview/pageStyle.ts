/**
 * The page's CSS: CloudWatch's 24-column grid (one grid unit of height is
 * `--row` pixels), widgets as light cards, tables and alarm states.
 */
export const PAGE_CSS = `
:root { --row: 46px; --gap: 8px; --ink: #16191f; --muted: #5f6b7a; --line: #e9ebed; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; background: #f2f3f3; color: var(--ink);
  font: 13px/1.35 "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
header h1 { font-size: 20px; margin: 0 0 2px; }
header p { margin: 0 0 12px; color: var(--muted); font-size: 12px; }
.grid { display: grid; grid-template-columns: repeat(24, minmax(0, 1fr));
  grid-auto-rows: var(--row); gap: var(--gap); }
.widget { background: #fff; border: 1px solid #d5dbdb; border-radius: 4px; padding: 8px 10px;
  display: flex; flex-direction: column; min-width: 0; min-height: 0; overflow: hidden; }
.widget h2 { font-size: 14px; margin: 0 0 6px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; flex: none; }
.widget-body { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.chart { position: relative; flex: 1; min-height: 0; }
.chart canvas { position: absolute; inset: 0; }
.notes { margin: 4px 0 0; padding-left: 16px; color: var(--muted); font-size: 11px; flex: none; }
.problem { margin: 4px 0 0; color: #b0401a; font-size: 12px; flex: none; }
.empty { color: var(--muted); margin: auto; }
.widget-text { background: transparent; border: none; padding: 4px 2px; }
.markdown h1, .markdown h2, .markdown h3 { margin: 0 0 4px; font-size: 18px; }
.markdown p, .markdown ul, .markdown ol { margin: 0 0 4px; }
.markdown code { background: #eef0f1; padding: 0 3px; border-radius: 3px; font-size: 12px; }
.single-values { display: flex; flex-wrap: wrap; gap: 12px 20px; align-content: center; flex: 1; }
.sv { min-width: 30%; }
.sv-label { color: var(--muted); font-size: 12px; }
.sv-value { font-size: 30px; font-weight: 600; }
.sv-note { color: var(--muted); font-size: 11px; }
.table { overflow: auto; flex: 1; }
table { border-collapse: collapse; width: 100%; font-size: 11.5px; }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid var(--line);
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 150px; }
td.timestamp { max-width: none; }
th { position: sticky; top: 0; background: #fafafa; font-weight: 600; }
.alarms { list-style: none; margin: 0; padding: 0; display: grid;
  grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 8px 16px; overflow: auto; }
.alarms li { display: grid; grid-template-columns: auto minmax(0, 1fr); column-gap: 8px;
  align-items: baseline; min-width: 0; }
.badge { font-size: 11px; font-weight: 700; padding: 1px 6px; border-radius: 3px;
  color: #fff; background: #8d99a8; white-space: nowrap; }
.state-OK .badge { background: #1d8102; }
.state-ALARM .badge { background: #d13212; }
.alarm-name { overflow-wrap: anywhere; }
.reason { grid-column: 2; color: var(--muted); font-size: 11px; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
`;
