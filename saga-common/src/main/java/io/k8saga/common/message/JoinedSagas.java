package io.k8saga.common.message;

import io.k8saga.common.db.Retry;
import io.k8saga.common.db.Sql;
import io.k8saga.common.events.OrderOutcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * A participant's record of which saga (LRA) its step of each order joined, and by which decision the order's
 * outcome event settled it. Written in the transaction of the step or the settlement it belongs to. With it a
 * participant acts on a callback or an outcome event only in the name of the saga it joined for that order: a
 * callback of an LRA the order has left (its coordinator lost it and the order got a new saga) changes nothing, an
 * outcome naming another LRA is a dead letter, and an outcome cannot turn an order's decision around (a REJECTED
 * event after the APPROVED one cannot release what the approval confirmed).
 */
@ApplicationScoped
public class JoinedSagas {

    private static final Logger LOG = Logger.getLogger(JoinedSagas.class);

    private record Joined(String sagaId, String decision) {
    }

    private final Sql sql;

    JoinedSagas(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    /**
     * The step of {@code orderId} joined {@code sagaId}. An order that got a new saga (its first LRA lost in a
     * coordinator crash) is bound to the new one; one already settled by its outcome keeps its record.
     */
    public void joined(String orderId, String sagaId) {
        Optional<Joined> known = lock(orderId);
        if (known.isEmpty()) {
            // A step racing with a settlement for a new order fails here on the primary key; its retry sees the row.
            sql.update("INSERT INTO joined_saga (order_id, saga_id, updated_at) VALUES (?, ?, ?)", orderId, sagaId,
                    OffsetDateTime.now());
        } else if (known.get().decision() == null && !sagaId.equals(known.get().sagaId())) {
            sql.update("UPDATE joined_saga SET saga_id = ?, updated_at = ? WHERE order_id = ?", sagaId,
                    OffsetDateTime.now(), orderId);
        }
    }

    /**
     * Runs a completion or compensation callback of the LRA {@code sagaId} for {@code orderId} in a transaction of
     * its own (again when it lost a race with the step), if the step joined that saga or has not run yet (an early
     * compensation, which leaves a tombstone). A callback of an LRA the order has left changes nothing.
     */
    public void onCallback(String orderId, String sagaId, String callback, Runnable effect) {
        Retry.onConflict(() -> QuarkusTransaction.requiringNew().call(() -> {
            if (lock(orderId).map(joined -> Objects.equals(joined.sagaId(), sagaId)).orElse(true)) {
                effect.run();
            } else {
                LOG.warnf("Order %s: %s of LRA %s, which the order has left; ignored", orderId, callback, sagaId);
            }
            return orderId;
        }));
    }

    /**
     * The settlement of an order's outcome event (its LRA in {@code sagaId}, null for an order that never had a
     * saga), to run in the inbox's transaction: {@code approved} or {@code rejected} applied to the order, once the
     * outcome is checked against what the step joined and any outcome applied before, and recorded. An outcome of
     * another saga, or one that contradicts the decision already applied, is invalid (a dead letter); a repeat of
     * the same decision passes (settling is idempotent).
     */
    public Runnable settlement(OrderOutcome outcome, String sagaId, Consumer<String> approved,
            Consumer<String> rejected) {
        Runnable effect = outcome.settlement(approved, rejected);
        return () -> {
            check(outcome, sagaId);
            effect.run();
        };
    }

    private void check(OrderOutcome outcome, String sagaId) {
        String decision = outcome.decision().name();
        Optional<Joined> known = lock(outcome.orderId());
        if (known.isEmpty()) {
            sql.update("INSERT INTO joined_saga (order_id, saga_id, decision, updated_at) VALUES (?, ?, ?, ?)",
                    outcome.orderId(), sagaId, decision, OffsetDateTime.now());
            return;
        }
        if (!Objects.equals(known.get().sagaId(), sagaId)) {
            throw new InvalidEventException("OrderOutcome for order " + outcome.orderId() + " names LRA " + sagaId
                    + ", but this service's step joined " + known.get().sagaId());
        }
        if (known.get().decision() != null) {
            if (!known.get().decision().equals(decision)) {
                throw new InvalidEventException("OrderOutcome " + decision + " for order " + outcome.orderId()
                        + ", which was " + known.get().decision() + " already");
            }
            return;
        }
        sql.update("UPDATE joined_saga SET decision = ?, updated_at = ? WHERE order_id = ?", decision,
                OffsetDateTime.now(), outcome.orderId());
    }

    private Optional<Joined> lock(String orderId) {
        return sql.one("SELECT saga_id, decision FROM joined_saga WHERE order_id = ? FOR UPDATE",
                row -> new Joined(row.getString(1), row.getString(2)), orderId);
    }
}
