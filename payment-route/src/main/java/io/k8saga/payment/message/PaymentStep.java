package io.k8saga.payment.message;

import io.k8saga.common.api.Formats;
import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.PaymentEvent;
import io.k8saga.common.message.InvalidEventException;
import io.k8saga.common.participant.SagaStep;
import io.k8saga.common.participant.StepDeclaration;
import io.k8saga.payment.domain.Payment;
import io.k8saga.payment.domain.PaymentService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The payment step of the order saga: credit reserved for an order authorizes its payment ({@code authorizePayment},
 * reported on payment-events as PaymentAuthorized or PaymentDeclined); a cancelled saga voids it
 * ({@code voidPayment}), a closed one captures it ({@code capturePayment}), a rejected order refunds a captured one.
 * saga-common's ParticipantRoutes does the rest (inbox, outbox, joining the LRA, callbacks, settling by the order's
 * outcome).
 */
@ApplicationScoped
public class PaymentStep implements SagaStep<CreditEvent> {

    private static final StepDeclaration<CreditEvent> DECLARATION = new StepDeclaration<>("authorizePayment",
            "voidPayment", "capturePayment", "{{saga.topics.customers}}", CreditEvent.class,
            "{{saga.topics.payments}}");

    private final PaymentService payments;

    PaymentStep(PaymentService payments) {
        this.payments = payments;
    }

    @Override
    public StepDeclaration<CreditEvent> declaration() {
        return DECLARATION;
    }

    /**
     * Credit reserved for an order asks for its payment; the other outcomes of the credit step are none of this
     * service's business. A malformed CreditReserved is refused before the saga is joined (a dead letter; the saga
     * times out and is compensated).
     */
    @Override
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

    @Override
    public String orderId(CreditEvent event) {
        return event.orderId();
    }

    /** Authorizes (or declines) the payment; nothing to report when the saga was compensated or rejected first. */
    @Override
    public Optional<Object> perform(CreditEvent credit) {
        Payment payment = payments.authorize(credit.orderId(), credit.customerId(), credit.amount(),
                credit.currency(), credit.paymentToken());
        PaymentEvent.Type outcome = switch (payment.status()) {
            case AUTHORIZED, CAPTURED -> PaymentEvent.Type.PAYMENT_AUTHORIZED;
            case DECLINED -> PaymentEvent.Type.PAYMENT_DECLINED;
            case VOIDED, REFUNDED -> null;
        };
        return Optional.ofNullable(outcome).map(type -> new PaymentEvent(type, payment.orderId(),
                payment.paymentId(), payment.amount(), payment.currency()));
    }

    @Override
    public void compensate(String orderId) {
        payments.voidPayment(orderId);
    }

    @Override
    public void complete(String orderId) {
        payments.capture(orderId);
    }

    @Override
    public void settleRejected(String orderId) {
        payments.settleRejected(orderId);
    }
}
