-- tlsrpt-collector schema, version 12: the reports of one domain from an index of their own.
--
-- A domain's report list (the domain page, /reports?domain=, /api/reports?domain=, /export/reports.*?domain=) shows
-- the reports sent for the domain (report.report_domain) and those naming it in a policy. Until now it joined the
-- union of both id sets to report, for the count and again for the page: for the biggest domain at 1,000,000 reports
-- about 10,000 reports and 28,000 policies, 240-300 ms on PostgreSQL with a warm cache and 500 ms for the domain page
-- over 400 days (BENCHMARKS.md). This table has one row per report and domain it belongs to, keyed by domain and day,
-- with the report's flags, so that the count reads one key range and a page reads its ids from the key range before
-- it reads those reports. Written in the transaction that stores or removes the report (store/ProcessingWriter,
-- store/RetentionStore).
CREATE TABLE domain_report (
    domain         VARCHAR(1024) NOT NULL,
    utc_day        DATE          NOT NULL, -- the report's utc_day
    report_id      BIGINT        NOT NULL, -- a report id; no foreign key: H2 would index it a second time
    authenticated  BOOLEAN       NOT NULL, -- the report's flags, for the view modes
    foreign_domain BOOLEAN       NOT NULL,
    PRIMARY KEY (domain, utc_day, report_id)
);
-- Removing a report removes its rows.
CREATE INDEX domain_report_report ON domain_report (report_id);

INSERT INTO domain_report (domain, utc_day, report_id, authenticated, foreign_domain)
SELECT m.domain, r.utc_day, r.id, r.authenticated, r.foreign_domain
FROM (SELECT id AS report_id, report_domain AS domain FROM report WHERE report_domain IS NOT NULL
      UNION SELECT report_id, domain FROM policy WHERE domain IS NOT NULL) m
JOIN report r ON r.id = m.report_id;
