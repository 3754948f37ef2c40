import { it } from 'vitest';
import { columnText } from '/work/main/executor/sinks/cell-text.ts';
import { formatTimestamp } from '/work/main/executor/sources/timestamp.ts';
import { int64Numbers } from '/work/main/executor/sinks/rows.ts';
import { TIMESTAMP, BIGINT, VARCHAR, decimal } from '/work/main/planner/types.ts';
import { column, batchOf } from '/work/main/test/executor/sinks/batches.ts';
import { createChangeWriter } from '/work/main/executor/sinks/format.ts';
it('perf', () => {
  const N = 200000;
  const d = column(TIMESTAMP, Array.from({length:N},(_, i)=>1767261600000+i*10));
  for (let rep = 0; rep < 5; rep++) {
    let t0 = performance.now(); const a = columnText(d, TIMESTAMP, 'csv'); let t1 = performance.now();
    const ms = int64Numbers(d); const b = new Array(N); for (let i = 0; i < N; i++) b[i] = formatTimestamp(ms[i]!); let t2 = performance.now();
    if (rep > 2) console.log('new', (t1-t0).toFixed(1), 'old', (t2-t1).toFixed(1), a[N-1] === b[N-1]);
  }
  const schema = { fields: [{ name: 't', type: TIMESTAMP, nullable: false }, { name: 'u', type: VARCHAR, nullable: true }, { name: 'n', type: BIGINT, nullable: true }, { name: 'm', type: decimal(10,2), nullable: true }] };
  const bt = batchOf(schema, [Array.from({length:N},(_, i)=>1767261600000+i), Array.from({length:N},(_, i)=>'user'+i), Array.from({length:N},(_, i)=>i), Array.from({length:N},(_, i)=>BigInt(i))]);
  for (let rep = 0; rep < 3; rep++) for (const f of ['jsonl','csv','table'] as const) {
    let len = 0; const w = createChangeWriter(f, schema, s => len += s.length);
    const t0 = performance.now(); w.write(bt); w.end(); if (rep === 2) console.log(f, (performance.now()-t0).toFixed(0), 'ms', len);
  }
});
