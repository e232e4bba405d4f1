package io.tlsrpt.collector.durability;

import org.h2.api.Trigger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/** An H2 trigger that refuses every row with the SQLState in {@link #STATE}, as a database error would. */
public class FailingTrigger implements Trigger {
    static volatile String STATE = "22001";
    static final AtomicInteger FIRED = new AtomicInteger();

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                     int type) {
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        FIRED.incrementAndGet();
        throw new SQLException("refused by the test trigger", STATE);
    }
}
