package io.tlsrpt.collector.store.migration;

import io.tlsrpt.collector.store.RollupBackfill;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills the roll-ups of schema V6 from the daily roll-ups of a store made before them. A Java migration, because
 * the keys are SHA-256 hashes computed in Java (the same as at ingest); Flyway runs it once, before the collector
 * takes mail, and on PostgreSQL under its lock, so that two instances starting together do not both fill.
 */
public class V6_1__Fill_failure_groups extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        RollupBackfill.fill(context.getConnection());
    }
}
