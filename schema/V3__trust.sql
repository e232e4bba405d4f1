-- Trust (issue 4): DKIM verdicts per message (RFC 8460 §3: an e-mailed report MUST carry a valid DKIM signature of
-- the reporting domain), foreign reports (RFC 8460 §7: anyone can point a rua at you), and the switches that hide
-- either everywhere. The flags are grouping dimensions of the roll-ups, so that every view can filter on them.

ALTER TABLE message ADD COLUMN dkim_status VARCHAR(16);
ALTER TABLE message ADD COLUMN dkim_domain VARCHAR(1024);
ALTER TABLE message ADD COLUMN dkim_selector VARCHAR(1024);
ALTER TABLE message ADD COLUMN dkim_aligned_from BOOLEAN;
ALTER TABLE message ADD COLUMN dkim_aligned_submitter BOOLEAN;
ALTER TABLE message ADD COLUMN dkim_tlsrpt_service BOOLEAN;
ALTER TABLE message ADD COLUMN dkim_reason VARCHAR(1000);
-- a message whose DKIM key could not be fetched waits until then before it is processed again
ALTER TABLE message ADD COLUMN retry_at TIMESTAMP WITH TIME ZONE;

ALTER TABLE report ADD COLUMN authenticated BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE report ADD COLUMN foreign_domain BOOLEAN DEFAULT FALSE NOT NULL;

ALTER TABLE daily_domain ADD COLUMN authenticated BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE daily_domain ADD COLUMN foreign_domain BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE daily_failure ADD COLUMN authenticated BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE daily_failure ADD COLUMN foreign_domain BOOLEAN DEFAULT FALSE NOT NULL;

-- Switches a user sets on the dashboard (hide unauthenticated, hide foreign), shared by every page and API call.
CREATE TABLE preference (
    pref_name  VARCHAR(100) PRIMARY KEY,
    pref_value VARCHAR(1000) NOT NULL
);
