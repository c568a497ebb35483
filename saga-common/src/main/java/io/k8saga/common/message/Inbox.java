package io.k8saga.common.message;

import io.k8saga.common.db.Retry;
import io.k8saga.common.db.Sql;
import io.k8saga.common.metrics.SagaMetrics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import javax.sql.DataSource;

/**
 * The inbox: the ids of the events this service has applied, recorded in the same transaction as each event's
 * effect, so a redelivered or replayed event changes nothing the second time.
 */
@ApplicationScoped
public class Inbox {

    private final Sql sql;
    private final SagaMetrics metrics;

    Inbox(DataSource dataSource, SagaMetrics metrics) {
        this.sql = new Sql(dataSource);
        this.metrics = metrics;
    }

    /**
     * True when the event has not been applied yet. A cheap early check (replays skip before joining a saga that
     * has long ended); {@link #applyOnce} is what guarantees it. False means the event is skipped, so that is where
     * a duplicate is counted, once, whichever of the two checks finds it.
     */
    public boolean isNew(String eventId) {
        boolean fresh = sql.count("SELECT COUNT(*) FROM inbox_event WHERE event_id = ?", requireId(eventId)) == 0;
        if (!fresh) {
            metrics.inboxDuplicate();
        }
        return fresh;
    }

    /**
     * Runs {@code effect} and records the event, in one new transaction, unless the event was applied before;
     * false for a repeat. The effect joins that transaction (and may add outbox events to it), which is retried
     * when it lost a race.
     */
    public boolean applyOnce(String eventId, Runnable effect) {
        requireId(eventId);
        return Retry.onConflict(() -> QuarkusTransaction.requiringNew().call(() -> {
            if (!isNew(eventId)) {
                return false;
            }
            // A concurrent first delivery makes this insert fail on the primary key; the retry then sees it.
            sql.update("INSERT INTO inbox_event (event_id, received_at) VALUES (?, ?)", eventId,
                    OffsetDateTime.now());
            effect.run();
            return true;
        }));
    }

    /**
     * Records the event as applied, for a consumer whose effect lies outside this database (a call to the
     * coordinator): recorded after that effect, so a crash in between repeats it, and it must be idempotent.
     */
    public void record(String eventId) {
        applyOnce(eventId, () -> {
        });
    }

    /** The event id, or an InvalidEventException (a dead letter) when the record has none. */
    public static String requireId(String eventId) {
        if (eventId == null || eventId.isBlank()) {
            throw new InvalidEventException("the event has no " + EventHeaders.EVENT_ID + " header");
        }
        return eventId;
    }
}
