-- tlsrpt-collector schema, version 10: the failure list filtered by reporter from a roll-up of its own.
--
-- Until now the reporter filter summed daily_failure, the finest roll-up (one row per day, group, IP pair and
-- reporter), through an index on the SHA-256 of the reporter's name: at 1,000,000 reports a big reporter has about a
-- third of 4.4 million such rows, each read from the table for its sums, and the page took 13-16 s on H2 and up to
-- 4 s on PostgreSQL (BENCHMARKS.md). This table sums the same contributions per reporter, UTC day, failure group and
-- flags, with the reporter and the day first in its key, so the filter reads one key range, one row per group and
-- day (0.8 s on H2 and 0.4 s on PostgreSQL for that reporter over 400 days). Processing writes about one row per
-- failure group of a report here and no longer writes the index daily_failure_organization (one entry per failure
-- detail); measured, it still costs about 10% of processing (243 -> 220 messages/s under load on 2 cores).
-- organization_key is the SHA-256 of the reporter's name as the collector computes it (each part length-prefixed,
-- store/Sql.hash): the name itself may be 4,000 characters, too long for a PostgreSQL index entry.
CREATE TABLE failure_group_reporter_day (
    organization_key CHAR(64) NOT NULL,
    utc_day          DATE     NOT NULL,
    group_id         BIGINT   NOT NULL, -- a failure_group id; no foreign key: H2 would give it an index of its own
                                        -- (one more entry per row written) and groups are never deleted (V6)
    authenticated    BOOLEAN  NOT NULL,
    foreign_domain   BOOLEAN  NOT NULL,
    sessions         BIGINT   NOT NULL,
    details          BIGINT   NOT NULL,
    PRIMARY KEY (organization_key, utc_day, group_id, authenticated, foreign_domain)
);

-- Filled from daily_failure by the Java migration V10_1 (RollupBackfill.fillReporterDays).

-- Nothing reads daily_failure by reporter any more; the column stays (dropping it rebuilds the table on H2) and is
-- left empty in new rows.
DROP INDEX daily_failure_organization;
