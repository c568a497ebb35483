package io.k8saga.common.participant;

import io.k8saga.common.events.OrderOutcome;
import io.k8saga.common.message.Inbox;
import io.k8saga.common.message.JoinedSagas;
import io.k8saga.common.message.Outbox;
import io.k8saga.common.message.ParkedEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.jboss.logging.Logger;

/**
 * What every participant does around its {@link SagaStep}, once: each event applied once per step (the inbox, keyed
 * by step and event), the step and its outcome event (the outbox) in one transaction with the record of the LRA it
 * joined, and the callbacks and the order's outcome acting only in the name of that LRA ({@link JoinedSagas}).
 */
@ApplicationScoped
public class Participants {

    private static final Logger LOG = Logger.getLogger(Participants.class);

    private final Inbox inbox;
    private final Outbox outbox;
    private final JoinedSagas joinedSagas;
    private final ParkedEvents parked;
    private final CamelContext camel;
    /**
     * Outcome topics by their placeholder, resolved once: Camel re-reads every configuration source for each
     * resolution, which a JFR profile under load showed taking a third of a participant's CPU.
     */
    private final Map<String, String> topics = new ConcurrentHashMap<>();

    Participants(Inbox inbox, Outbox outbox, JoinedSagas joinedSagas, ParkedEvents parked, CamelContext camel) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.joinedSagas = joinedSagas;
        this.parked = parked;
        this.camel = camel;
    }

    /** Whether the step has not applied the event yet: a cheap early check, before a saga is joined for it. */
    public boolean isNew(SagaStep<?> step, String eventId) {
        return inbox.isNew(inboxKey(step, eventId));
    }

    /**
     * Runs the step for an event of the LRA {@code sagaId} that it has joined, and stores the event reporting its
     * outcome, in one transaction with the inbox record; a repeat of the event does nothing.
     */
    public <T> void perform(SagaStep<T> step, T event, String eventId, String sagaId) {
        String orderId = step.orderId(event);
        inbox.applyOnce(inboxKey(step, eventId), () -> {
            joinedSagas.joined(orderId, sagaId);
            step.perform(event).ifPresentOrElse(
                    outcome -> outbox.add(topic(step.declaration().outcomeTopic()), orderId, sagaId, outcome),
                    () -> LOG.infof("Order %s: %s reports nothing (its saga was compensated or rejected first)",
                            orderId, step.declaration().step()));
        });
    }

    /** Compensation of the LRA {@code sagaId}, if the step joined that saga for the order (or has not run yet). */
    public void compensate(SagaStep<?> step, String orderId, String sagaId) {
        joinedSagas.onCallback(orderId, sagaId, step.declaration().compensation(), () -> step.compensate(orderId));
    }

    /** Completion of the LRA {@code sagaId}, if the step joined that saga for the order. */
    public void complete(SagaStep<?> step, String orderId, String sagaId) {
        joinedSagas.onCallback(orderId, sagaId, step.declaration().completion(), () -> step.complete(orderId));
    }

    /**
     * Settles the step by the order's outcome (its LRA in {@code sagaId}), once, in one transaction with the inbox
     * record: completed for an approved order, {@link SagaStep#settleRejected} for a rejected one, whatever the
     * coordinator's callbacks did before; an outcome of another saga or reversing an earlier one is a dead letter.
     */
    public void settle(SagaStep<?> step, OrderOutcome outcome, String eventId, String sagaId) {
        inbox.applyOnce(inboxKey(step, eventId),
                joinedSagas.settlement(outcome, sagaId, step::complete, step::settleRejected));
    }

    /**
     * Keeps a record a step will need, once, and makes an event of the record's saga (LRA {@code sagaId}) parked
     * because it came first due at once, both in one transaction with the inbox record.
     */
    public <T> void receive(StepInput<T> input, T record, String eventId, String sagaId) {
        inbox.applyOnce(input.name() + ":" + Inbox.requireId(eventId), () -> {
            input.receive(record);
            parked.wake(sagaId);
        });
    }

    private String topic(String topicOrPlaceholder) {
        return topics.computeIfAbsent(topicOrPlaceholder, camel::resolvePropertyPlaceholders);
    }

    /** Each step of a service applies an event once, whatever the service's other steps did with it. */
    private static String inboxKey(SagaStep<?> step, String eventId) {
        return step.declaration().step() + ":" + Inbox.requireId(eventId);
    }
}
