-- tlsrpt-collector schema, version 15: the number of failure groups of a result type, for the failure list filtered
-- by it.
--
-- A page of that list counts its groups. Over everything, or over a period that leaves out few stored days, the
-- count was a COUNT(*) over the view mode's rows of failure_group_total that filtered their result type: at
-- 1,000,000 reports 70,000 rows, 70-350 ms on H2 (BENCHMARKS.md). The result type is not in an index: it may be
-- 1,024 characters, more than a PostgreSQL index entry holds. These counts are kept like rollup_count (V6), per view
-- mode and result type, by the SHA-256 of the result type (store/Sql.hash). Filled by the Java migration V15_1
-- (RollupBackfill.fillResultCounts), then changed by processing with the rows of failure_group_total.
CREATE TABLE failure_group_result_count (
    view_mode  SMALLINT      NOT NULL,
    result_key CHAR(64)      NOT NULL,
    groups     BIGINT        NOT NULL,
    PRIMARY KEY (view_mode, result_key)
);
