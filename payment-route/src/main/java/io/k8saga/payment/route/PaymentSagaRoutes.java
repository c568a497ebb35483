package io.k8saga.payment.route;

import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.OrderOutcome;
import io.k8saga.common.message.EventConsumers;
import io.k8saga.common.message.EventHeaders;
import io.k8saga.common.message.Inbox;
import io.k8saga.payment.message.PaymentSagaHandler;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.SagaPropagation;

/** The payment step of the order saga, with its compensation and completion right below it. */
@ApplicationScoped
public class PaymentSagaRoutes extends RouteBuilder {

    private final PaymentSagaHandler handler;
    private final EventConsumers consumers;
    private final Inbox inbox;

    PaymentSagaRoutes(PaymentSagaHandler handler, EventConsumers consumers, Inbox inbox) {
        this.handler = handler;
        this.consumers = consumers;
        this.inbox = inbox;
    }

    @Override
    public void configure() {
        consumers.register(this);

        // Reserved credit asks for a payment; other credit outcomes are ignored before any saga is joined.
        // The LRA id arrives in the Long-Running-Action Kafka header. A replayed event is skipped here, before it
        // could join a saga that ended long ago.
        consumers.consume(this, "{{saga.topics.customers}}", "consumeCustomerEvents", route -> route
                .filter(method(inbox, "isNew(${header.eventId})"))
                    .unmarshal().json(CreditEvent.class)
                    .filter(method(handler, "accepts"))
                        .to("direct:authorizePayment")
                    .end()
                .end()
                .to(EventConsumers.COMMIT_OFFSET));

        // Every final order settles its payment, in case the coordinator's callback did not; the order's other
        // events are none of this service's business.
        consumers.consume(this, "{{saga.topics.orders}}", "consumeOrderEvents", route -> route
                .filter(header(EventHeaders.EVENT_TYPE).isEqualTo(OrderOutcome.class.getSimpleName()))
                    .filter(method(inbox, "isNew(${header.eventId})"))
                        .unmarshal().json(OrderOutcome.class)
                        .bean(handler, "settle(${body}, ${header.eventId}, ${header.Long-Running-Action})")
                    .end()
                .end()
                .to(EventConsumers.COMMIT_OFFSET));

        // Joins the order's saga, then authorizes the payment (or declines it) and stores the outcome event in the
        // outbox.
        from("direct:authorizePayment").routeId("authorizePayment")
                .errorHandler(noErrorHandler())
                .saga().propagation(SagaPropagation.MANDATORY)
                    .option("orderId", simple("${body.orderId}"))
                    .compensation("direct:voidPayment")
                    .completion("direct:capturePayment")
                .bean(handler, "authorize(${body}, ${header.eventId}, ${header.Long-Running-Action})");

        // Compensation: the saga was cancelled, so the hold is released (or a tombstone refuses a late authorize).
        from("direct:voidPayment").routeId("voidPayment")
                .bean(handler, "voidPayment(${header.orderId}, ${header.Long-Running-Action})");

        // Completion: the saga succeeded, so the authorized money is captured.
        from("direct:capturePayment").routeId("capturePayment")
                .bean(handler, "capture(${header.orderId}, ${header.Long-Running-Action})");
    }
}
