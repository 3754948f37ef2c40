import { it } from 'vitest';
import { SltFile } from './runner.ts';
it('scratch', async () => {
  const f = new SltFile(new URL('./scratch.slt.tmp', import.meta.url).pathname);
  await f.open();
  for (const r of f.records) {
    try { await f.run(r); console.log(r.line, 'OK'); } catch (e) { console.log(r.line, 'FAIL', (e as Error).message); }
  }
  await f.close();
});
