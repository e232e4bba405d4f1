-- tlsrpt-collector schema, version 14: the failure list of one reporter over a long period without summing its days.
--
-- The reporter filter summed the reporter's rows of failure_group_reporter_day over the period: at 1,000,000 reports
-- the biggest reporter has 310,000 of them over 400 days (55,000 failure groups), 0.6-0.9 s on H2 and 0.2-0.5 s on
-- PostgreSQL (BENCHMARKS.md). This table holds the same sums per view mode, reporter and group over every stored day
-- up to the settled window's last day (V13: the day before yesterday, UTC). A period that leaves out few of those
-- days reads it ranked, less the rows of the days left out, plus those of yesterday and today
-- (store/CorrectedSumsQueries).
--
-- Kept as the other settled sums are (store/SettledWindow): when the day changes, the days that became settled are
-- added to it (one day of rows, not a rebuild), under the exclusive lock; processing adds and removes the
-- contributions of settled days (late reports, a reprocess, the retention purge) under the shared lock. Nothing is
-- written to it for the reports of yesterday and today, the reports that arrive on time: processing pays for it only
-- with the index below.
CREATE TABLE failure_group_reporter_settled (
    view_mode        SMALLINT NOT NULL,
    organization_key CHAR(64) NOT NULL, -- as in failure_group_reporter_day (V10)
    group_id         BIGINT   NOT NULL, -- a failure_group id; no foreign key (see V10)
    sessions         BIGINT   NOT NULL,
    details          BIGINT   NOT NULL,
    first_day        DATE     NOT NULL,
    last_day         DATE     NOT NULL,
    PRIMARY KEY (view_mode, organization_key, group_id)
);
-- Every column the list reads, so a page is read from the index alone (see V13).
CREATE INDEX failure_group_reporter_settled_rank ON failure_group_reporter_settled (view_mode, organization_key,
    sessions DESC, group_id, details, first_day, last_day);

-- A reporter's days of one group: the first and last day of a group in a period when days were subtracted, and
-- again when a removal may have taken them away. The primary key (reporter, day, group) would read every day of the
-- reporter for that.
CREATE INDEX failure_group_reporter_day_group ON failure_group_reporter_day (organization_key, group_id, utc_day);

-- The sums above are built with the settled window: forgetting its bounds makes the next refresh (SettledWindowJob,
-- seconds after start-up) build both.
DELETE FROM settled_window;
