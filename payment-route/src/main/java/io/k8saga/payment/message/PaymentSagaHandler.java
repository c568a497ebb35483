package io.k8saga.payment.message;

import io.k8saga.common.api.Formats;
import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.OrderOutcome;
import io.k8saga.common.events.PaymentEvent;
import io.k8saga.common.message.Inbox;
import io.k8saga.common.message.InvalidEventException;
import io.k8saga.common.message.JoinedSagas;
import io.k8saga.common.message.Outbox;
import io.k8saga.payment.domain.Payment;
import io.k8saga.payment.domain.PaymentService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The payment step of the saga: turns a {@code CreditReserved} event into a payment and the event that reports it,
 * and runs the step's compensation and completion. Each call retries when it lost a race with another callback.
 */
@ApplicationScoped
public class PaymentSagaHandler {

    private static final Logger LOG = Logger.getLogger(PaymentSagaHandler.class);

    private final PaymentService payments;
    private final Inbox inbox;
    private final Outbox outbox;
    private final JoinedSagas joinedSagas;
    private final String paymentTopic;

    PaymentSagaHandler(PaymentService payments, Inbox inbox, Outbox outbox, JoinedSagas joinedSagas,
            @ConfigProperty(name = "saga.topics.payments") String paymentTopic) {
        this.payments = payments;
        this.inbox = inbox;
        this.outbox = outbox;
        this.joinedSagas = joinedSagas;
        this.paymentTopic = paymentTopic;
    }

    /**
     * True for the events this step acts on: credit reserved for an order. The other outcomes of the credit step
     * are none of this service's business. A malformed CreditReserved is refused before the saga is joined: it
     * goes to the dead letters (and the saga times out and is compensated).
     */
    public boolean accepts(CreditEvent event) {
        if (event == null || event.type() == null) {
            throw new InvalidEventException("a credit event without a type: " + event);
        }
        if (event.type() != CreditEvent.Type.CREDIT_RESERVED) {
            return false;
        }
        // The order id goes unescaped into the coordinator's callback URLs, so only URL-safe ids are accepted.
        boolean wellFormed = event.orderId() != null && Formats.ID.matcher(event.orderId()).matches()
                && event.amount() != null && Formats.moneyProblem(event.amount(), false) == null
                && event.currency() != null && Formats.CURRENCY.matcher(event.currency()).matches();
        if (!wellFormed) {
            throw new InvalidEventException("malformed CreditReserved: " + event);
        }
        return true;
    }

    /**
     * Authorizes (or declines) the payment and stores the outcome event, in one transaction with the inbox record,
     * so a repeat of the event does nothing. Nothing is reported when the saga was compensated first.
     */
    public void authorize(CreditEvent credit, String eventId, String sagaId) {
        inbox.applyOnce(eventId, () -> {
            joinedSagas.joined(credit.orderId(), sagaId);
            Payment payment = payments.authorize(credit.orderId(), credit.customerId(), credit.amount(),
                    credit.currency(), credit.paymentToken());
            PaymentEvent.Type outcome = switch (payment.status()) {
                case AUTHORIZED, CAPTURED -> PaymentEvent.Type.PAYMENT_AUTHORIZED;
                case DECLINED -> PaymentEvent.Type.PAYMENT_DECLINED;
                case VOIDED, REFUNDED -> null;
            };
            if (outcome == null) {
                LOG.infof("Order %s: the saga was compensated or rejected already, payment step refused",
                        credit.orderId());
            } else {
                outbox.add(paymentTopic, payment.orderId(), sagaId, event(outcome, payment));
            }
        });
    }

    /**
     * Settles the payment by the order's outcome, in one transaction with the inbox record: captured for an
     * approved order; for a rejected one voided, or refunded if it was captured already (a tombstone when there is
     * no payment yet). Only an outcome of the saga this step joined ({@code sagaId}, the event's LRA), and never one
     * that reverses an earlier outcome (JoinedSagas).
     */
    public void settle(OrderOutcome outcome, String eventId, String sagaId) {
        inbox.applyOnce(eventId, joinedSagas.settlement(outcome, sagaId, payments::capture, payments::settleRejected));
    }

    /** Compensation of the LRA {@code sagaId}: the hold is released, if this step joined that saga. */
    public void voidPayment(String orderId, String sagaId) {
        joinedSagas.onCallback(orderId, sagaId, "compensation", () -> payments.voidPayment(orderId));
    }

    /** Completion of the LRA {@code sagaId}: the money is captured, if this step joined that saga. */
    public void capture(String orderId, String sagaId) {
        joinedSagas.onCallback(orderId, sagaId, "completion", () -> payments.capture(orderId));
    }

    private static PaymentEvent event(PaymentEvent.Type type, Payment payment) {
        return new PaymentEvent(type, payment.orderId(), payment.paymentId(), payment.amount(), payment.currency());
    }
}
