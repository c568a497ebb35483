package io.k8saga.common.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8saga.common.db.AfterCommit;
import io.k8saga.common.db.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.OffsetDateTime;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The transactional outbox. An event is stored in the same local transaction as the state change it reports, and
 * {@link OutboxRelay} publishes it after that transaction commits: the event goes out if and only if the change is
 * durable, and a process that dies in between loses nothing (the relay finds the row on its next pass).
 */
@ApplicationScoped
public class Outbox {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Sql sql;
    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelay relay;

    Outbox(DataSource dataSource, TransactionSynchronizationRegistry transactions, OutboxRelay relay) {
        this.sql = new Sql(dataSource);
        this.transactions = transactions;
        this.relay = relay;
    }

    /**
     * Stores {@code event} (as JSON, its class's simple name as its type) for {@code topic}, keyed by {@code key},
     * with the saga's LRA id (or null) for the Long-Running-Action header. Must run inside the transaction of the
     * change the event reports.
     */
    public void add(String topic, String key, String sagaId, Object event) {
        if (transactions.getTransactionKey() == null) {
            throw new IllegalStateException("an outbox event must be written in the transaction of its change");
        }
        sql.update("INSERT INTO outbox_event (event_id, event_type, topic, event_key, saga_id, payload, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), event.getClass().getSimpleName(),
                topic, key, sagaId, toJson(event), OffsetDateTime.now());
        // Publish right after the commit rather than at the relay's next poll.
        AfterCommit.run(transactions, relay::wakeUp);
    }

    private static String toJson(Object event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + event + " as JSON", e);
        }
    }
}
