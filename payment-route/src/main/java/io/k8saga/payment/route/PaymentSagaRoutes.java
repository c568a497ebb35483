package io.k8saga.payment.route;

import io.k8saga.common.events.CreditEvent;
import io.k8saga.payment.message.PaymentSagaHandler;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.model.SagaPropagation;

/** The payment step of the order saga, with its compensation and completion right below it. */
@ApplicationScoped
public class PaymentSagaRoutes extends RouteBuilder {

    private final PaymentSagaHandler handler;

    PaymentSagaRoutes(PaymentSagaHandler handler) {
        this.handler = handler;
    }

    @Override
    public void configure() {
        // Reserved credit asks for a payment; other credit outcomes are ignored before any saga is joined.
        // The LRA id arrives in the Long-Running-Action Kafka header.
        from("kafka:{{saga.topics.customers}}").routeId("consumeCustomerEvents")
                .unmarshal().json(CreditEvent.class)
                .filter(method(handler, "accepts"))
                    .to("direct:authorizePayment");

        // Joins the order's saga, authorizes the payment (or declines it) and reports the outcome.
        from("direct:authorizePayment").routeId("authorizePayment")
                .saga().propagation(SagaPropagation.MANDATORY)
                    .option("orderId", simple("${body.orderId}"))
                    .compensation("direct:voidPayment")
                    .completion("direct:capturePayment")
                .bean(handler, "authorize")
                .filter(body().isNotNull())
                    .setHeader(KafkaConstants.KEY, simple("${body.orderId}"))
                    .marshal().json()
                    .to("kafka:{{saga.topics.payments}}");

        // Compensation: the saga was cancelled, so the hold is released (or a tombstone refuses a late authorize).
        from("direct:voidPayment").routeId("voidPayment")
                .bean(handler, "voidPayment(${header.orderId})");

        // Completion: the saga succeeded, so the authorized money is captured.
        from("direct:capturePayment").routeId("capturePayment")
                .bean(handler, "capture(${header.orderId})");
    }
}
