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
 * Sql.forKeys answers each key's rows once, with the parameters before and after the key list bound, whatever the
 * number of keys: one key a statement on H2, 500 on PostgreSQL (the last statement padded with its last key).
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
                Sql.forKeys(c, "SELECT v FROM (VALUES " + values + ") AS t(v) WHERE v > ? AND v IN (KEYS) AND v < ?",
                        keys, List.of(10), List.of(1200), rs -> rows.add(rs.getInt(1)));
                return rows;
            });
            assertEquals(IntStream.range(11, 1200).boxed().toList(), found.stream().sorted().toList());
        }
    }
}
