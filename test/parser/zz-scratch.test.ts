import { test } from 'vitest';
import { errorOf } from './helpers.ts';
test('scratch', () => {
  for (const sql of [
    `SELECT a FROM t WHERE`, `SELECT * FROM t WHERE a IN (1, 2`, `SELECT a FROM t WHERE (a = 1`, `SELECT a FROM t GROUP BY`,
    `CREATE TABLE t (a INT b INT)`, `CREATE TABLE t (a INT,)`, `CREATE TABLE t ()`, `CREATE TABLE t (a INT) WITH ('a' = 1)`, `CREATE TABLE t (a INT) WITH ('a' 'b')`,
    `CREATE TABLE t (a INT, WATERMARK ts AS ts)`, `CREATE TABLE t (a INT, PRIMARY KEY (a))`, `CREATE TABLE (a INT)`, `CREATE VIEW v AS SELECT 1`,
    `INSERT t SELECT 1`, `INSERT INTO t`, `SET`, `SET a =`, `SET "a" = 'b'`, `EXPLAIN CREATE TABLE t (a INT)`, `DROP TABLE t`,
    `SELECT CAST(a AS) FROM t`, `SELECT CAST(a INT) FROM t`, `SELECT CASE WHEN a THEN 1 FROM t`, `SELECT CASE a END FROM t`,
    `SELECT * FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(), INTERVAL '1' MINUTE))`,
    `SELECT * FROM TABLE TUMBLE(TABLE clicks)`, `SELECT a FROM t WHERE a IS 1`, `SELECT a FROM t WHERE a BETWEEN 1`, `SELECT a AS FROM t`,
    `SELECT a FROM t AS`, `SELECT 1 2`, `SELECT a.b.c FROM t`, `SELECT f(a,) FROM t`, `SELECT a FROM t WHERE a = 'x\" FROM`, 'SELECT `abc FROM t', `SELECT "abc FROM t`,
    `SELECT a FROM t WHERE NOT`, `SELECT INTERVAL 5 MINUTE FROM t`, `SELECT INTERVAL '5' MINUTE TO FROM t`,
    `SELECT a FROM t GROUP BY a HAVING`, `SELECT DISTINCT FROM t`, `SELECT COUNT(DISTINCT) FROM t`, `SELECT a FROM t WHERE a = 1 AND OR b = 2`,
    `select a fro t`, `SELECT a, b FROM t WERE a = 1`, `SELECT a FROM t GROUPBY a`, `INSRT INTO t SELECT 1`, `SELECT a FROM t WHERE a === 1`,
    `SELECT * FROM t LIMIT`, `SELECT * FROM t ORDER a`, `SELECT a FROM t; SELECT b FROM`, `SELECT a FROM t\n  WHERE a > 1\n  GROUP BY a b`,
  ]) {
    const e = errorOf(sql, 'q.sql');
    console.log('=====', JSON.stringify(sql), '\n' + e.message);
  }
});
