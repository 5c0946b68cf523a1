// RFC 4180 CSV reading (quoted fields, CRLF, line numbers) and CSV-injection-safe writing.

export interface CsvRow {
  /** 1-based line number of the row's first line in the file. */
  line: number;
  cells: string[];
}

export class CsvError extends Error {
  override name = 'CsvError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Parses CSV text; a BOM is dropped; blank lines are skipped. */
export function parseCsv(text: string): CsvRow[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === '"') {
      if (cell !== '') throw new CsvError(`csv: line ${line}: a quote inside an unquoted field`, line);
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
    i++;
  }
  if (quoted) throw new CsvError(`csv: line ${rowLine}: unterminated quoted field`, rowLine);
  if (cell !== '' || cells.length) endRow();
  return rows;
}

/** Cells starting with = + - @ or a tab/CR would run as formulas in spreadsheets: prefix a quote. */
export function safeCell(v: unknown): string {
  let s = v == null ? '' : Array.isArray(v) ? v.join('|') : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header.map(safeCell).join(','), ...rows.map((r) => r.map(safeCell).join(','))].join('\r\n') + '\r\n';
}
