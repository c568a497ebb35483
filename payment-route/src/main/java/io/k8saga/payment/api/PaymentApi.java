package io.k8saga.payment.api;

import io.k8saga.common.api.ApiException;
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

    /** The payments of one order: an empty list when there are none, never a 404. */
    public List<PaymentView> findByOrder(String orderId) {
        if (orderId == null || orderId.isBlank()) {
            throw ApiException.invalidField("orderId", "the query parameter is required");
        }
        return payments.findByOrder(orderId).stream()
                .map(PaymentView::of)
                .toList();
    }
}
