-- tlsrpt-collector schema, version 8: one index less on the busiest roll-up.
--
-- daily_failure_day (utc_day, domain) served the failure list over a period before V6; since V6 that list sums
-- failure_group_day, and every remaining reader of daily_failure goes by domain (daily_failure_domain: a group's
-- members on a day, the reporters of a new failure group) or by reporter (daily_failure_organization). Processing
-- writes about one daily_failure row per failure detail, so the unused index cost one B-tree insert per detail.
DROP INDEX daily_failure_day;
