package io.k8saga.common.message;

/**
 * An event that needs a record which has not arrived yet (another topic's, such as the payment request a payment
 * step charges). The event is parked rather than retried in place, so its partition goes on, and tried again until
 * the record is there or its saga has ended.
 */
public class EventNotReadyException extends RuntimeException {

    public EventNotReadyException(String message) {
        super(message);
    }
}
