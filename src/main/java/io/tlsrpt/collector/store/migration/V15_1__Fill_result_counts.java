package io.tlsrpt.collector.store.migration;

import io.tlsrpt.collector.store.RollupBackfill;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** Fills failure_group_result_count (schema V15) from failure_group_total, once, before the collector takes mail. */
public class V15_1__Fill_result_counts extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        RollupBackfill.fillResultCounts(context.getConnection());
    }
}
