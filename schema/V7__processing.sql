-- tlsrpt-collector schema, version 7: cheaper writes of processing.
--
-- H2 gives every foreign key created with its table an index of its own, even where the schema creates the same
-- index by name right after (V1): failure_detail had two indexes on policy_id and two on report_id, policy two on
-- report_id, quarantine and report_duplicate two on message_id. No query needs the second copies; every row stored
-- paid for them (about 13 of the 45 index entries of a report with 3 policies and 5 failure details).
-- When H2 rebuilds a table (which adding a column does) it makes each foreign key use the index that exists by name
-- and drops its own copy, as it did for report in V3. Adding and dropping a column here is that rebuild; on
-- PostgreSQL, which never creates indexes for foreign keys, both are changes of the catalogue alone.
-- The rebuild copies the table once (H2): on a large database the first start with this version takes a while.
ALTER TABLE failure_detail ADD COLUMN v7_rebuild INT;
ALTER TABLE failure_detail DROP COLUMN v7_rebuild;
ALTER TABLE policy ADD COLUMN v7_rebuild INT;
ALTER TABLE policy DROP COLUMN v7_rebuild;
ALTER TABLE quarantine ADD COLUMN v7_rebuild INT;
ALTER TABLE quarantine DROP COLUMN v7_rebuild;
ALTER TABLE report_duplicate ADD COLUMN v7_rebuild INT;
ALTER TABLE report_duplicate DROP COLUMN v7_rebuild;
