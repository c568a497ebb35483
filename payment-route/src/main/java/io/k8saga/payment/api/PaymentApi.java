package io.k8saga.payment.api;

import io.k8saga.common.api.ApiException;
import io.k8saga.common.api.Caller;
import io.k8saga.payment.domain.PaymentService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Validates public API requests and turns them into calls on {@link PaymentService}. */
@ApplicationScoped
public class PaymentApi {

    private final PaymentService payments;

    PaymentApi(PaymentService payments) {
        this.payments = payments;
    }

    /**
     * The payments of one order: an empty list when there are none, never a 404. A customer sees only payments for
     * itself: for another customer's order the list is empty, as for an order without payment.
     */
    public List<PaymentView> findByOrder(Caller caller, String orderId) {
        if (orderId == null || orderId.isBlank()) {
            throw ApiException.invalidField("orderId", "the query parameter is required");
        }
        return payments.findByOrder(orderId).stream()
                .filter(payment -> caller.mayReach(payment.value().customerId()))
                .map(PaymentView::of)
                .toList();
    }
}
