package io.tlsrpt.collector.durability;

import io.tlsrpt.collector.ingest.SpoolKeeper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Postgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tlsrpt.spool.enabled=auto} (the default) writes the spool exactly when the database's commits are not
 * durable when they return: always on H2; on PostgreSQL only with fsync or synchronous_commit off. The suite's
 * embedded PostgreSQL runs with both off (the embedded server's defaults, for speed), so there the spool stays on.
 * A PostgreSQL server configured as in production (fsync and synchronous_commit on), started here for these cases
 * in either run of the suite, makes auto leave it off; a session with synchronous_commit off, set in the JDBC URL as
 * an operator may do, turns it on again.
 */
class SpoolModeTest {
    @TempDir
    Path dataDir;

    private static EmbeddedPostgres durable;

    @BeforeAll
    static void startDurablePostgres() throws IOException {
        durable = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
    }

    @AfterAll
    static void stopDurablePostgres() throws IOException {
        durable.close();
    }

    /** The datasource settings of a new database on the durable server, with the JDBC URL's extra parameters. */
    private static Map<String, Object> durableDatabase(String name, String urlParameters) throws SQLException {
        try (Connection c = durable.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        Map<String, Object> props = new HashMap<>();
        props.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:" + durable.getPort() + "/" + name
                + urlParameters);
        props.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        props.put("datasources.default.username", "postgres");
        props.put("datasources.default.password", "postgres");
        return props;
    }

    @Test
    void autoSpoolsWhenACommitIsNotDurableOnReturn() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of())) {
            SpoolKeeper keeper = c.context().getBean(SpoolKeeper.class);
            assertTrue(keeper.enabled(), Postgres.enabled() ? "the suite's PostgreSQL: fsync off" : "H2");
            Reports.id(Reports.send(c, Reports.message("auto-on")));
            assertEquals(1, keeper.spool().writes());
        }
    }

    @Test
    void autoLeavesDurabilityToAPostgresqlCommitThatIsDurable() throws Exception {
        try (Collector c = Collector.start(dataDir, durableDatabase("auto_off", ""))) {
            SpoolKeeper keeper = c.context().getBean(SpoolKeeper.class);
            assertFalse(keeper.enabled());
            long id = Reports.id(Reports.send(c, Reports.message("auto-off")));
            assertEquals(0, keeper.spool().writes(), "no spool copy: the commit before the 250 is durable");
            assertEquals(1, Reports.count(c, "SELECT COUNT(*) FROM message WHERE id = ?", id));
        }
    }

    @Test
    void autoSpoolsWhenTheSessionsCommitWithoutWaitingForTheDisk() throws Exception {
        assertSpoolsEveryMessage(durableDatabase("auto_async", "?options=-c%20synchronous_commit%3Doff"));
    }

    @Test
    void trueSpoolsEvenWhenTheCommitIsDurable() throws Exception {
        Map<String, Object> props = durableDatabase("forced_on", "");
        props.put("tlsrpt.spool.enabled", "true");
        assertSpoolsEveryMessage(props);
    }

    /** A collector with these settings writes the spool: one entry for the message it accepts. */
    private void assertSpoolsEveryMessage(Map<String, Object> props) throws Exception {
        try (Collector c = Collector.start(dataDir, props)) {
            SpoolKeeper keeper = c.context().getBean(SpoolKeeper.class);
            assertTrue(keeper.enabled());
            Reports.id(Reports.send(c, Reports.message("spooled")));
            assertEquals(1, keeper.spool().writes());
        }
    }

    @Test
    void aValueOtherThanAutoTrueOrFalseStopsTheStart() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> Collector.start(dataDir, Map.of("tlsrpt.spool.enabled", "sometimes")).close());
        boolean named = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            named |= String.valueOf(t.getMessage()).contains("tlsrpt.spool.enabled must be auto, true or false");
        }
        assertTrue(named, "the start fails naming the setting: " + e);
    }
}
