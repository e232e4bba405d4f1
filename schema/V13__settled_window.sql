-- tlsrpt-collector schema, version 13: the dashboard's default period (the last 30 days) without summing 30 days.
--
-- Over the default period the domain list and the failure list summed the period's day rows: at 1,000,000 reports
-- about 73,000 rows of daily_domain and 65,000 of failure_group_day, 250-430 ms on H2 (BENCHMARKS.md). These tables
-- hold the same sums over the period's settled days: from its first day to the day before yesterday (UTC), days
-- whose reports have normally all arrived (RFC 8460 §4.1: a report covers a UTC day and is sent after it ends).
-- The lists read them ranked and add the sums of the days after them (yesterday and today: one day of reports),
-- which are few (store/SettledWindowQueries).
--
-- They are built again when the day changes (store/SettledWindow.rebuild, under an exclusive lock). Processing
-- changes them only for a report of a settled day (a late report, an import, a reprocess), under a shared lock, so
-- that a rebuild never misses or counts twice a contribution written at the same time. The rows of each view_mode
-- are those of the *_total tables (V6).

-- The settled days of the window: one row, or none before the first build.
CREATE TABLE settled_window (
    id        SMALLINT NOT NULL PRIMARY KEY,
    first_day DATE     NOT NULL,
    last_day  DATE     NOT NULL,
    built_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT settled_window_one_row CHECK (id = 1)
);

-- failure_group_day summed over the settled days, per view mode.
CREATE TABLE failure_group_settled (
    view_mode SMALLINT NOT NULL,
    group_id  BIGINT   NOT NULL, -- a failure_group id; no foreign key (see V10)
    sessions  BIGINT   NOT NULL,
    details   BIGINT   NOT NULL,
    first_day DATE     NOT NULL,
    last_day  DATE     NOT NULL,
    PRIMARY KEY (view_mode, group_id)
);
-- The rank index holds every column the lists read, so a page is read from it alone (H2 reads a row of the table for
-- each entry of an index that lacks a column: 17 us a row, 85 ms for 5,000 rows at 1,000,000 reports).
CREATE INDEX failure_group_settled_rank ON failure_group_settled (view_mode, sessions DESC, group_id, details,
    first_day, last_day);

-- daily_domain summed over the settled days, per view mode.
CREATE TABLE domain_settled (
    view_mode  SMALLINT      NOT NULL,
    domain     VARCHAR(1024) NOT NULL,
    reports    BIGINT        NOT NULL,
    successful BIGINT        NOT NULL,
    failed     BIGINT        NOT NULL,
    last_day   DATE          NOT NULL,
    PRIMARY KEY (view_mode, domain)
);
CREATE INDEX domain_settled_rank ON domain_settled (view_mode, failed DESC, domain, reports, successful, last_day);

-- The last day of each domain's reporter per view mode: the reporters of a domain over a period that reaches the last
-- stored day (the default period; a year back from today) are those whose last day is in it, a count over the
-- domain's few rows of this table instead of over its day rows (about 4,000 for a big domain over 400 days).
-- Filled by the Java migration V13_1 (RollupBackfill.fillReporterLastDays), then kept with the reports.
ALTER TABLE domain_reporter_total ADD COLUMN last_day DATE;

-- The rank indexes of the sums over everything hold every column the lists read, as the settled ones above: a period
-- one day short of everything reads about offset + limit + (the groups of the days left out) of their entries
-- (RankedSums), 2,300 at 1,000,000 reports, which H2 otherwise reads from the table one row at a time.
DROP INDEX failure_group_total_rank;
CREATE INDEX failure_group_total_rank ON failure_group_total (view_mode, sessions DESC, group_id, details, first_day,
    last_day);
DROP INDEX domain_total_rank;
CREATE INDEX domain_total_rank ON domain_total (view_mode, failed DESC, domain, reports, successful, first_day,
    last_day);
