package io.tlsrpt.collector.store;

import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Postgres;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The embedded H2 as the app configures it (application.yml): parsed statements cached per connection, but not their
 * last results, which each of the 128 cached statements of a connection would otherwise keep in memory (a soak at
 * 500 messages/s grew the heap by 3.3 MB a minute with them, BENCHMARKS.md).
 */
class H2SettingsTest {
    @TempDir
    Path dataDir;

    @Test
    void h2CachesStatementsButNotTheirResults() throws Exception {
        assumeFalse(Postgres.enabled(), "H2's settings");
        try (Collector collector = Collector.start(dataDir, Map.of());
             Connection c = collector.context().getBean(DataSource.class).getConnection()) {
            SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
            assertFalse(session.getDatabase().getOptimizeReuseResults(), "results of cached statements kept");
            try (var rs = c.createStatement().executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                    + "WHERE SETTING_NAME = 'QUERY_CACHE_SIZE'")) {
                rs.next();
                assertEquals("128", rs.getString(1), "statements cached per connection");
            }
        }
    }
}
