package io.tlsrpt.collector.store;

import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Sql.forKeys answers each key's rows once, with the parameters after the key table bound, for 1,235 keys in one
 * statement (an array parameter), BIGINT and VARCHAR keys.
 */
class ForKeysTest {
    @TempDir
    Path dataDir;

    @Test
    void everyKeyIsLookedUpOnceWithTheParametersAroundTheList() throws Exception {
        try (Collector collector = Collector.start(dataDir, Map.of())) {
            Database db = collector.context().getBean(Database.class);
            String values = IntStream.rangeClosed(1, 2000).mapToObj(i -> "(" + i + ")")
                    .collect(Collectors.joining(","));
            List<Integer> keys = new ArrayList<>(IntStream.rangeClosed(1, 1234).boxed().toList());
            keys.add(5000); // no row
            List<Integer> found = db.read(c -> {
                List<Integer> rows = new ArrayList<>();
                Sql.forKeys(c, "SELECT v FROM (VALUES " + values + ") AS t(v) JOIN KEYS ON v = wanted.k AND v > ? "
                        + "WHERE v < ?", keys, List.of(), List.of(10, 1200), rs -> rows.add(rs.getInt(1)));
                return rows;
            });
            assertEquals(IntStream.range(11, 1200).boxed().toList(), found.stream().sorted().toList());
            // VARCHAR keys, with a parameter ahead of the key table
            String names = IntStream.rangeClosed(1, 300).mapToObj(i -> "('d" + i + "')")
                    .collect(Collectors.joining(","));
            List<String> wanted = new ArrayList<>(IntStream.rangeClosed(5, 200).mapToObj(i -> "d" + i).toList());
            wanted.add("none");
            List<String> named = db.read(c -> {
                List<String> rows = new ArrayList<>();
                Sql.forKeys(c, "SELECT t.v FROM (SELECT v FROM (VALUES " + names + ") AS x(v) WHERE v <> ?) t "
                        + "JOIN KEYS ON t.v = wanted.k", wanted, List.of("d7"), List.of(),
                        rs -> rows.add(rs.getString(1)));
                return rows;
            });
            List<String> expected = new ArrayList<>(wanted.subList(0, wanted.size() - 1));
            expected.remove("d7");
            assertEquals(expected.stream().sorted().toList(), named.stream().sorted().toList());
        }
    }
}
