package io.k8saga.common.message;

/** The Kafka headers our events carry besides the payload. */
public final class EventHeaders {

    /** A UUID per event, set by the outbox; consumers record it in their inbox to apply each event once. */
    public static final String EVENT_ID = "eventId";

    /** The kind of event (OrderCreated, OrderOutcome, ...), for topics that carry more than one; set by the outbox. */
    public static final String EVENT_TYPE = "eventType";

    /** On a dead letter: why the event could not be applied (exception class and message). */
    public static final String DEAD_LETTER_REASON = "deadLetterReason";

    /** On a dead letter: where it came from, {@code topic/partition/offset}. */
    public static final String DEAD_LETTER_ORIGIN = "deadLetterOrigin";

    private EventHeaders() {
    }
}
