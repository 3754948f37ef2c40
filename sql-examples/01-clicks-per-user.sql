-- Clicks per user per 10-minute tumbling window, over a JSON-lines file whose events arrive out of order.
-- The watermark trails the largest event time seen by 5 seconds, so a click up to 5 s out of order
-- (carol's 10:09:59 after alice's 10:10:02) still counts in its window. A click that arrives after its
-- window has closed (alice's 10:09:30 after the watermark passed 10:10:00) is late: it is dropped and
-- counted, and the count is printed on stderr when the run ends.
-- Run it: npx tidemark run sql-examples/01-clicks-per-user.sql

CREATE TABLE clicks (
  user_id    VARCHAR,
  url        VARCHAR,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/clicks.jsonl', 'format' = 'json');

SELECT window_start, window_end, user_id, COUNT(*) AS clicks
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end, user_id;
