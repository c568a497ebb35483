package io.k8saga.common.participant;

import java.util.Optional;

/**
 * One participant's step of the order saga: what it consumes, the names of its routes, and its domain logic. A bean
 * of this type is all a participant writes; {@link ParticipantRoutes} consumes its events once (inbox), joins the
 * event's LRA with signed callbacks, runs {@link #perform} and stores the event it returns in the outbox in one
 * transaction, runs the compensation and completion callbacks once and only for the LRA the step joined, settles the
 * order from its {@code OrderOutcome} event, retries outages and dead-letters what can never be applied.
 *
 * <p>Every method but {@link #accepts} runs inside a transaction of the service's database; each must be idempotent
 * (a callback may come twice, and an outcome event after it) and must leave a tombstone when a compensation comes
 * before the step, so that a late step does nothing.
 *
 * @param <T> the type of the events that ask for this step
 */
public interface SagaStep<T> {

    /** The step's routes and topics. */
    StepDeclaration<T> declaration();

    /**
     * Whether the event asks for this step. Throws {@code InvalidEventException} for an event this step could never
     * act on (a dead letter, before any saga is joined); false for events of the topic that are not its business.
     */
    boolean accepts(T event);

    /** The order the event is about: the key of its records and of the step's callbacks. Must be URL-safe. */
    String orderId(T event);

    /**
     * Does the step for the event. Returns the event that reports its outcome (published to the declaration's
     * outcome topic, keyed by the order), or empty when there is nothing to report (the saga was compensated first).
     */
    Optional<Object> perform(T event);

    /** Compensation: the saga was cancelled (or the order rejected); undoes the step, or leaves a tombstone. */
    void compensate(String orderId);

    /** Completion: the saga closed (or the order was approved); makes the step's effect final. */
    void complete(String orderId);

    /**
     * The order's outcome event said REJECTED: undoes the step whatever callbacks came before (a completion may have
     * come first, when the coordinator's timer cancelled a saga whose close was under way). Defaults to
     * {@link #compensate}.
     */
    default void settleRejected(String orderId) {
        compensate(orderId);
    }
}
