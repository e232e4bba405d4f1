-- tlsrpt-collector schema, version 16: the policies a domain's reports name for other domains, from an index of their
-- own.
--
-- The domain page lists the policies the reporters saw: those naming the domain and the other policies of the
-- reports sent for it (TLS-Report-Domain), e.g. DANE policies whose policy domain is an MX host. The latter read
-- every report sent for the domain and its policies: for the biggest domain at 1,000,000 reports 10,000 reports for
-- 1,500 such policies, 150 ms on H2 and 54 ms on PostgreSQL (BENCHMARKS.md). This table has one row per such policy
-- (its domain set and not the report's), keyed by the report's domain and day, with the report's flags. Written and
-- removed with the report (store/ProcessingWriter, store/RetentionStore).
CREATE TABLE report_other_policy (
    report_domain  VARCHAR(1024) NOT NULL, -- the report's report_domain
    utc_day        DATE          NOT NULL, -- the report's utc_day
    policy_id      BIGINT        NOT NULL, -- a policy id; no foreign key (see V12)
    report_id      BIGINT        NOT NULL,
    authenticated  BOOLEAN       NOT NULL, -- the report's flags, for the view modes
    foreign_domain BOOLEAN       NOT NULL,
    PRIMARY KEY (report_domain, utc_day, policy_id)
);
-- Removing a report removes its rows.
CREATE INDEX report_other_policy_report ON report_other_policy (report_id);

INSERT INTO report_other_policy (report_domain, utc_day, policy_id, report_id, authenticated, foreign_domain)
SELECT r.report_domain, r.utc_day, p.id, r.id, r.authenticated, r.foreign_domain
FROM report r JOIN policy p ON p.report_id = r.id
WHERE r.report_domain IS NOT NULL AND p.domain IS NOT NULL AND p.domain <> r.report_domain;
