package io.tlsrpt.collector.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies a store seeded on PostgreSQL ({@link Seeder} {@code --database postgres}) into an H2 store whose schema is
 * at the same version (made by {@code Seeder --reports 0 --database h2}), row for row: the seeder stores about 300
 * reports a second on PostgreSQL and 160-200 on H2, so that 1,000,000 reports on H2 take an hour less this way.
 * Benchmark tooling only.
 *
 * <pre>
 * java -cp ... io.tlsrpt.collector.bench.StoreCopy --from /tmp/seed-pg --to /tmp/seed-h2
 * </pre>
 */
public final class StoreCopy {
    /** Parents before children (foreign keys); tables not named here follow in PostgreSQL's order. */
    private static final List<String> ORDER = List.of("message", "message_body", "report", "report_duplicate",
            "policy", "failure_detail", "quarantine", "daily_domain", "daily_failure", "failure_group",
            "failure_group_day", "failure_group_reporter_day", "failure_group_total", "domain_total",
            "domain_reporter_total", "rollup_count");
    private static final int BATCH = 1000;
    private static final int COMMIT_ROWS = 50_000;

    private StoreCopy() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Seeder.options(args);
        Path from = Path.of(o.get("from"));
        Path to = Path.of(o.get("to"));
        int port = Integer.parseInt(o.getOrDefault("pg-port", "54329"));
        try (Seeder.BenchDatabase pg = Seeder.BenchDatabase.open("postgres", from, port);
             Connection source = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/tlsrpt",
                     "postgres", "postgres");
             Connection target = DriverManager.getConnection("jdbc:h2:file:" + to.resolve("tlsrpt")
                     + ";MAX_COMPACT_TIME=2000", "sa", "")) {
            source.setAutoCommit(false);
            target.setAutoCommit(false);
            try (Statement s = target.createStatement()) {
                s.execute("SET CACHE_SIZE 524288");
            }
            long started = System.nanoTime();
            for (String table : tables(source)) {
                long t = System.nanoTime();
                long rows = copy(source, target, table);
                System.out.printf("%-24s %,12d rows %8.1f s%n", table, rows, (System.nanoTime() - t) / 1e9);
            }
            System.out.printf("copied in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
    }

    private static List<String> tables(Connection source) throws SQLException {
        Set<String> all = new LinkedHashSet<>();
        try (ResultSet rs = source.createStatement().executeQuery("SELECT table_name FROM information_schema.tables "
                + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            while (rs.next()) {
                all.add(rs.getString(1));
            }
        }
        all.remove("flyway_schema_history");
        List<String> ordered = new ArrayList<>();
        for (String t : ORDER) {
            if (all.remove(t)) {
                ordered.add(t);
            }
        }
        ordered.addAll(all);
        return ordered;
    }

    private static long copy(Connection source, Connection target, String table) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.executeUpdate("DELETE FROM " + table);
        }
        List<String> indexes = dropIndexes(target, table);
        long rows = 0;
        try (Statement read = source.createStatement()) {
            read.setFetchSize(10_000);
            try (ResultSet rs = read.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    columns.add(md.getColumnName(i));
                }
                try (PreparedStatement write = target.prepareStatement("INSERT INTO " + table + " ("
                        + String.join(", ", columns) + ") VALUES (" + String.join(",", Collections.nCopies(n, "?"))
                        + ")")) {
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) {
                            write.setObject(i, rs.getObject(i));
                        }
                        write.addBatch();
                        if (++rows % BATCH == 0) {
                            write.executeBatch();
                        }
                        if (rows % COMMIT_ROWS == 0) {
                            target.commit();
                        }
                    }
                    write.executeBatch();
                }
            }
        }
        if (columns(target, table).contains("ID")) { // identity: new rows after the copied ones
            long max;
            try (ResultSet rs = target.createStatement().executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)) {
                rs.next();
                max = rs.getLong(1);
            }
            try (Statement s = target.createStatement()) {
                s.execute("ALTER TABLE " + table + " ALTER COLUMN id RESTART WITH " + (max + 1));
            }
        }
        target.commit();
        source.commit();
        try (Statement s = target.createStatement()) {
            for (String create : indexes) {
                s.execute(create);
            }
        }
        target.commit();
        return rows;
    }

    /**
     * Drops the table's secondary indexes that no constraint needs and answers the statements that make them again:
     * H2 inserts each copied row into every index at a random place (the roll-up keys are hashes), 3,000 rows a second
     * for daily_domain; made after the copy, an index is built from sorted rows.
     */
    private static List<String> dropIndexes(Connection target, String table) throws SQLException {
        List<String> creates = new ArrayList<>();
        String on = "ON \"PUBLIC\".\"" + table.toUpperCase() + "\"(";
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery("SCRIPT NODATA NOPASSWORDS")) {
            while (rs.next()) {
                String sql = rs.getString(1);
                if (sql.startsWith("CREATE INDEX ") && sql.contains(on)) {
                    creates.add(sql);
                }
            }
        }
        List<String> dropped = new ArrayList<>();
        for (String create : creates) {
            String name = create.substring("CREATE INDEX ".length(), create.indexOf(" ON "));
            try (Statement s = target.createStatement()) {
                s.execute("DROP INDEX " + name);
                dropped.add(create);
            } catch (SQLException e) {
                // an index a foreign key uses stays, and is filled row by row
            }
        }
        target.commit();
        return dropped;
    }

    private static Set<String> columns(Connection c, String table) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, "PUBLIC", table.toUpperCase(), null)) {
            while (rs.next()) {
                out.add(rs.getString("COLUMN_NAME"));
            }
        }
        return out;
    }
}
