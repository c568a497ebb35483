package io.k8saga.credit.message;

import io.k8saga.common.api.Formats;
import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.OrderCreated;
import io.k8saga.common.events.OrderOutcome;
import io.k8saga.common.message.Inbox;
import io.k8saga.common.message.InvalidEventException;
import io.k8saga.common.message.JoinedSagas;
import io.k8saga.common.message.Outbox;
import io.k8saga.credit.domain.CreditService;
import io.k8saga.credit.domain.ReservationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The credit step of the saga: turns an {@link OrderCreated} into a reservation and the event that reports it,
 * and runs the step's compensation and completion. Each call retries when it lost a race with another callback.
 */
@ApplicationScoped
public class CreditSagaHandler {

    private final CreditService credit;
    private final Inbox inbox;
    private final Outbox outbox;
    private final JoinedSagas joinedSagas;
    private final String creditTopic;

    CreditSagaHandler(CreditService credit, Inbox inbox, Outbox outbox, JoinedSagas joinedSagas,
            @ConfigProperty(name = "saga.topics.customers") String creditTopic) {
        this.credit = credit;
        this.inbox = inbox;
        this.outbox = outbox;
        this.joinedSagas = joinedSagas;
        this.creditTopic = creditTopic;
    }

    /** Refuses, before any saga is joined, an event this step could never act on; it goes to the dead letters. */
    public void validate(OrderCreated order) {
        // The order id goes unescaped into the coordinator's callback URLs, so only URL-safe ids are accepted.
        boolean wellFormed = order.orderId() != null && Formats.ID.matcher(order.orderId()).matches()
                && order.customerId() != null && order.amount() != null
                && Formats.moneyProblem(order.amount(), false) == null;
        if (!wellFormed) {
            throw new InvalidEventException("malformed OrderCreated: " + order);
        }
    }

    /**
     * Reserves (or refuses) the order's credit and stores the outcome event, in one transaction with the inbox
     * record, so a repeat of the event does nothing. Nothing is reported when the saga was compensated first.
     */
    public void reserve(OrderCreated order, String eventId, String sagaId) {
        inbox.applyOnce(eventId, () -> {
            joinedSagas.joined(order.orderId(), sagaId);
            ReservationStatus status = credit.reserve(order.orderId(), order.customerId(), order.amount());
            CreditEvent.Type outcome = switch (status) {
                case PENDING, CONFIRMED -> CreditEvent.Type.CREDIT_RESERVED;
                case LIMIT_EXCEEDED -> CreditEvent.Type.CREDIT_LIMIT_EXCEEDED;
                case CUSTOMER_NOT_FOUND -> CreditEvent.Type.CUSTOMER_NOT_FOUND;
                case RELEASED -> null;
            };
            if (outcome != null) {
                outbox.add(creditTopic, order.orderId(), sagaId, CreditEvent.of(outcome, order));
            }
        });
    }

    /**
     * Settles the reservation by the order's outcome, in one transaction with the inbox record: confirmed for an
     * approved order, released for a rejected one (a tombstone when nothing was reserved yet). Whatever the
     * coordinator's callbacks did before, the reservation ends as the order did. Only an outcome of the saga this
     * step joined ({@code sagaId}, the event's LRA), and never one that reverses an earlier outcome (JoinedSagas).
     */
    public void settle(OrderOutcome outcome, String eventId, String sagaId) {
        inbox.applyOnce(eventId, joinedSagas.settlement(outcome, sagaId, credit::confirm, credit::settleRejected));
    }

    /** Compensation of the LRA {@code sagaId}: the credit goes back, if this step joined that saga. */
    public void release(String orderId, String sagaId) {
        joinedSagas.onCallback(orderId, sagaId, "compensation", () -> credit.release(orderId));
    }

    /** Completion of the LRA {@code sagaId}: the reservation becomes permanent, if this step joined that saga. */
    public void confirm(String orderId, String sagaId) {
        joinedSagas.onCallback(orderId, sagaId, "completion", () -> credit.confirm(orderId));
    }
}
