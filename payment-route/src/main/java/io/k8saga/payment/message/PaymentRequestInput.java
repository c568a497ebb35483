package io.k8saga.payment.message;

import io.k8saga.common.api.Formats;
import io.k8saga.common.events.PaymentRequested;
import io.k8saga.common.message.InvalidEventException;
import io.k8saga.common.participant.StepInput;
import io.k8saga.payment.repository.PaymentRequestRepository;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps each order's payment request ({@code storePaymentRequest}) from payment-requests, a topic no other service
 * reads, until credit reserved for the order asks {@link PaymentStep} to charge it. A malformed request is a dead
 * letter; the order's CreditReserved then waits, parked, until its saga times out and is compensated.
 */
@ApplicationScoped
public class PaymentRequestInput implements StepInput<PaymentRequested> {

    private final PaymentRequestRepository requests;

    PaymentRequestInput(PaymentRequestRepository requests) {
        this.requests = requests;
    }

    @Override
    public String name() {
        return "storePaymentRequest";
    }

    @Override
    public String topic() {
        return "{{saga.topics.payment-requests}}";
    }

    @Override
    public Class<PaymentRequested> type() {
        return PaymentRequested.class;
    }

    @Override
    public void receive(PaymentRequested request) {
        boolean wellFormed = request != null
                && Formats.isWellFormedOrder(request.orderId(), request.customerId(), request.amount(),
                        request.currency())
                && request.paymentToken() != null && !request.paymentToken().isBlank()
                && request.paymentToken().length() <= Formats.MAX_PAYMENT_TOKEN_LENGTH;
        if (!wellFormed) {
            throw new InvalidEventException("malformed PaymentRequested: " + request);
        }
        requests.insertIfAbsent(request);
    }
}
