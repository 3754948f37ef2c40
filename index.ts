// Tidemark's library entry: streaming SQL with event-time windows over Arrow, with durable state in DuckDB.
export { createEngine, Engine, type EngineOptions, type QueryOptions, type SourceHandle } from './executor/session/engine.ts';
export { StreamingQuery } from './executor/session/streaming-query.ts';
export type { Change, EpochBatch } from './executor/session/query-output.ts';
export type { CheckpointResult } from './executor/session/session.ts';
export { TidemarkError, InternalError } from './parser/errors.ts';
