package io.k8saga.order.message;

import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.OrderCreated;
import io.k8saga.common.events.PaymentEvent;
import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderService;
import io.k8saga.order.domain.RejectionReason;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/** Connects the saga's messages and callbacks to {@link OrderService}. */
@ApplicationScoped
public class OrderSagaHandler {

    private final OrderService orders;

    OrderSagaHandler(OrderService orders) {
        this.orders = orders;
    }

    /** Records the new LRA on the order and returns the event that asks the participants to act. */
    public OrderCreated sagaStarted(@ExchangeProperty(OrderSagaStarter.ORDER_ID) String orderId,
            @Header(Exchange.SAGA_LONG_RUNNING_ACTION) String sagaId) {
        orders.attachSaga(orderId, sagaId);
        Order order = orders.find(orderId).orElseThrow();
        return new OrderCreated(order.orderId(), order.customerId(), order.amount(), order.currency(),
                order.paymentToken());
    }

    public boolean isRefusal(CreditEvent event) {
        return event.type() != CreditEvent.Type.CREDIT_RESERVED;
    }

    public void creditRefused(CreditEvent event) {
        RejectionReason reason = event.type() == CreditEvent.Type.CUSTOMER_NOT_FOUND
                ? RejectionReason.UNKNOWN_CUSTOMER
                : RejectionReason.CREDIT_LIMIT_EXCEEDED;
        orders.recordRejectionReason(event.orderId(), reason);
    }

    public boolean isAuthorized(PaymentEvent event) {
        return event.type() == PaymentEvent.Type.PAYMENT_AUTHORIZED;
    }

    public void paymentDeclined(PaymentEvent event) {
        orders.recordRejectionReason(event.orderId(), RejectionReason.PAYMENT_DECLINED);
    }

    public void approve(String orderId) {
        orders.approve(orderId);
    }

    public void reject(String orderId) {
        orders.reject(orderId);
    }
}
