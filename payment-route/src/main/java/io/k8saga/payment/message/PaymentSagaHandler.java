package io.k8saga.payment.message;

import io.k8saga.common.api.Formats;
import io.k8saga.common.db.Retry;
import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.PaymentEvent;
import io.k8saga.payment.domain.Payment;
import io.k8saga.payment.domain.PaymentService;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The payment step of the saga: turns a {@code CreditReserved} event into a payment and the event that reports it,
 * and runs the step's compensation and completion. Each call retries when it lost a race with another callback.
 */
@ApplicationScoped
public class PaymentSagaHandler {

    private static final Logger LOG = Logger.getLogger(PaymentSagaHandler.class);

    private final PaymentService payments;

    PaymentSagaHandler(PaymentService payments) {
        this.payments = payments;
    }

    /**
     * True for the events this step acts on: credit reserved for a well-formed order. The other outcomes of the
     * credit step are none of this service's business; a malformed event is logged and dropped before the saga
     * is joined (the saga then times out and is compensated).
     */
    public boolean accepts(CreditEvent event) {
        if (event == null || event.type() != CreditEvent.Type.CREDIT_RESERVED) {
            return false;
        }
        // The order id goes unescaped into the coordinator's callback URLs, so only URL-safe ids are accepted.
        boolean wellFormed = event.orderId() != null && Formats.ID.matcher(event.orderId()).matches()
                && event.amount() != null && Formats.moneyProblem(event.amount(), false) == null
                && event.currency() != null && Formats.CURRENCY.matcher(event.currency()).matches();
        if (!wellFormed) {
            LOG.warnf("Dropped a malformed CreditReserved event: %s", event);
        }
        return wellFormed;
    }

    /** Returns the event to publish, or null when the saga was compensated before this step ran. */
    public PaymentEvent authorize(CreditEvent credit) {
        Payment payment = Retry.onConflict(() -> payments.authorize(credit.orderId(), credit.amount(),
                credit.currency(), credit.paymentToken()));
        return switch (payment.status()) {
            case AUTHORIZED, CAPTURED -> event(PaymentEvent.Type.PAYMENT_AUTHORIZED, payment);
            case DECLINED -> event(PaymentEvent.Type.PAYMENT_DECLINED, payment);
            case VOIDED -> {
                LOG.infof("Order %s: the saga was compensated already, payment step refused", credit.orderId());
                yield null;
            }
        };
    }

    public void voidPayment(String orderId) {
        Retry.onConflict(() -> {
            payments.voidPayment(orderId);
            return orderId;
        });
    }

    public void capture(String orderId) {
        Retry.onConflict(() -> {
            payments.capture(orderId);
            return orderId;
        });
    }

    private static PaymentEvent event(PaymentEvent.Type type, Payment payment) {
        return new PaymentEvent(type, payment.orderId(), payment.paymentId(), payment.amount(), payment.currency());
    }
}
