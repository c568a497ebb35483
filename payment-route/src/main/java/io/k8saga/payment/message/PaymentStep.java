package io.k8saga.payment.message;

import io.k8saga.common.api.Formats;
import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.PaymentEvent;
import io.k8saga.common.events.PaymentRequested;
import io.k8saga.common.message.EventNotReadyException;
import io.k8saga.common.message.InvalidEventException;
import io.k8saga.common.participant.SagaStep;
import io.k8saga.common.participant.StepDeclaration;
import io.k8saga.payment.domain.Payment;
import io.k8saga.payment.domain.PaymentService;
import io.k8saga.payment.repository.PaymentRequestRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The payment step of the order saga: credit reserved for an order authorizes its payment ({@code authorizePayment},
 * reported on payment-events as PaymentAuthorized or PaymentDeclined) with the token of the order's payment request
 * ({@link PaymentRequestInput}), which the step waits for when the reservation comes first; a cancelled saga voids it
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
    private final PaymentRequestRepository requests;

    PaymentStep(PaymentService payments, PaymentRequestRepository requests) {
        this.payments = payments;
        this.requests = requests;
    }

    @Override
    public StepDeclaration<CreditEvent> declaration() {
        return DECLARATION;
    }

    /**
     * Credit reserved for an order asks for its payment; the other outcomes of the credit step are none of this
     * service's business. A malformed CreditReserved, or one that disagrees with the order's payment request on
     * customer, amount or currency, is refused before the saga is joined (a dead letter; the saga times out and is
     * compensated); one that comes before the request waits for it, parked.
     */
    @Override
    public boolean accepts(CreditEvent event) {
        if (event == null || event.type() == null) {
            throw new InvalidEventException("a credit event without a type: " + event);
        }
        if (event.type() != CreditEvent.Type.CREDIT_RESERVED) {
            return false;
        }
        if (!Formats.isWellFormedOrder(event.orderId(), event.customerId(), event.amount(), event.currency())) {
            throw new InvalidEventException("malformed CreditReserved: " + event);
        }
        PaymentRequested request = requests.find(event.orderId()).orElseThrow(() -> new EventNotReadyException(
                "credit reserved for order " + event.orderId() + " before its payment request came"));
        boolean sameOrder = request.customerId().equals(event.customerId())
                && request.amount().compareTo(event.amount()) == 0 && request.currency().equals(event.currency());
        if (!sameOrder) {
            throw new InvalidEventException("CreditReserved disagrees with the order's payment request " + request
                    + ": " + event);
        }
        return true;
    }

    @Override
    public String orderId(CreditEvent event) {
        return event.orderId();
    }

    /**
     * Authorizes (or declines) the payment with the request's token, which is then forgotten; nothing to report when
     * the saga was compensated or rejected first.
     */
    @Override
    public Optional<Object> perform(CreditEvent credit) {
        PaymentRequested request = requests.find(credit.orderId()).orElseThrow();
        Payment payment = payments.authorize(request.orderId(), request.customerId(), request.amount(),
                request.currency(), request.paymentToken());
        requests.eraseToken(request.orderId());
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
