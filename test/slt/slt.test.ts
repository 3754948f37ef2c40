// Runs every golden file in test/slt/ (STYLE.md "Tests"); UPDATE_GOLDEN=1 rewrites their expected blocks.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { SltFile } from './runner.ts';

const here = dirname(fileURLToPath(import.meta.url));

for (const name of readdirSync(here).filter((f) => f.endsWith('.slt')).sort()) {
  describe(name, () => {
    const file = new SltFile(join(here, name));
    beforeAll(() => file.open());
    afterAll(() => file.close());
    for (const record of file.records) {
      const first = record.sql.split('\n').find((l) => l.trim() && !l.trim().startsWith('--'))?.trim() ?? '';
      const title = `${name}:${record.line} ${record.kind === 'statement' ? 'statement' : record.kind === 'query' ? 'query' : 'query error'}: ${first.slice(0, 70)}`;
      it(title, () => file.run(record));
    }
  });
}
