package io.k8saga.common.participant;

/**
 * A record a participant's step needs besides the event that asks for it, arriving on a topic only this participant
 * reads (payment-route's payment requests, which carry the payment token no other service should see). A bean of
 * this type is all a participant writes: {@link ParticipantRoutes} consumes the topic and hands each record to
 * {@link #receive} once (inbox), in a transaction. A step whose event comes before the record throws
 * {@code EventNotReadyException}: the event is parked and tried again until the record is there or the saga ended.
 *
 * @param <T> the type of the records
 */
public interface StepInput<T> {

    /** A verb-noun name for what is done with a record ({@code storePaymentRequest}): its inbox key's prefix. */
    String name();

    /** The topic the records come on, possibly a property placeholder; no step may consume it. */
    String topic();

    /** The type the records' JSON is read as. */
    Class<T> type();

    /** Keeps the record for the step; runs once per record, in a transaction of the service's database. */
    void receive(T record);
}
