-- Average temperature per device per 10-minute window, over a CSV file: event time versus arrival time.
-- Each reading has the time it was measured (event_time) and the time it reached us (received_at);
-- the file is in arrival order. Windows follow event time, so sensor-2's 08:09:20 reading, delayed
-- by a slow link until 08:10:40, still lands in the 08:00-08:10 window: the watermark waits a minute
-- for stragglers. Its 08:08:00 reading arrives at 08:21:40, long after that window closed: it is late,
-- dropped, and reported on stderr. Windows by arrival time would have put both in the wrong window.
-- Run it: npx tidemark run sql-examples/02-device-temperature.sql

CREATE TABLE readings (
  device_id   VARCHAR,
  temperature DOUBLE,
  event_time  TIMESTAMP(3),
  received_at TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '1' MINUTE
) WITH ('connector' = 'file', 'path' = 'data/temperatures.csv', 'format' = 'csv');

SELECT window_start, window_end, device_id,
       ROUND(AVG(temperature), 2) AS avg_temperature,
       COUNT(*) AS readings
FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end, device_id;
