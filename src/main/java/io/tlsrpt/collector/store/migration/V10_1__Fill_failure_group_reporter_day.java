package io.tlsrpt.collector.store.migration;

import io.tlsrpt.collector.store.RollupBackfill;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills failure_group_reporter_day (schema V10) from daily_failure, once, before the collector takes mail (on
 * PostgreSQL under Flyway's lock, as V6_1).
 */
public class V10_1__Fill_failure_group_reporter_day extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        RollupBackfill.fillReporterDays(context.getConnection());
    }
}
