package io.k8saga.common.db;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A stored value with the times its row was written first and changed last: what an order's timeline reads from
 * the participants, without giving their domain records timestamps they do not decide by.
 */
public record Dated<T>(T value, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public Dated {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
