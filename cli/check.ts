// `tidemark check` and `tidemark explain`: parse and plan a file without reading any data.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Session } from '../executor/session/session.ts';
import { EXIT, report } from './exit-codes.ts';

export async function checkScript(file: string, explain: boolean): Promise<number> {
  let sql: string;
  try {
    sql = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    process.stderr.write(`tidemark: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return EXIT.usage;
  }
  const session = await Session.open();
  try {
    let n = 0;
    for (const { parsed, planned } of session.plan(sql, { file, baseDir: dirname(resolve(file)) })) {
      if (planned.kind === 'select' || planned.kind === 'insert') {
        n++;
        if (explain) process.stdout.write(`-- ${parsed.name ?? `q${n}`}\n${planned.query.explain()}\n\n`);
      } else if (planned.kind === 'explain') process.stdout.write(`${planned.text}\n\n`);
    }
    if (!explain) process.stderr.write(`tidemark: ${file}: ok (${n} ${n === 1 ? 'query' : 'queries'})\n`);
    return EXIT.ok;
  } catch (e) {
    return report(e);
  } finally {
    await session.close();
  }
}
