package io.k8saga.common.db;

import java.sql.SQLException;
import java.util.Set;

/** An SQL failure, unchecked; {@link #isTransient()} tells a conflict worth retrying from a real error. */
public class DataAccessException extends RuntimeException {

    // Unique violation, serialization failure, PostgreSQL deadlock, H2 lock timeout: all resolve on a retry.
    private static final Set<String> TRANSIENT_STATES = Set.of("23505", "40001", "40P01", "HYT00");

    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    public boolean isTransient() {
        return TRANSIENT_STATES.contains(((SQLException) getCause()).getSQLState());
    }
}
