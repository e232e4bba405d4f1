package io.tlsrpt.collector.store.migration;

import io.tlsrpt.collector.store.RollupBackfill;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** Fills domain_reporter_total.last_day (schema V13) from daily_domain, once, before the collector takes mail. */
public class V13_1__Fill_reporter_last_days extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        RollupBackfill.fillReporterLastDays(context.getConnection());
    }
}
