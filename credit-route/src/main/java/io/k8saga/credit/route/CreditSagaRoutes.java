package io.k8saga.credit.route;

import io.k8saga.common.events.OrderCreated;
import io.k8saga.credit.message.CreditSagaHandler;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.model.SagaPropagation;

/** The credit step of the order saga, with its compensation and completion right below it. */
@ApplicationScoped
public class CreditSagaRoutes extends RouteBuilder {

    private final CreditSagaHandler handler;

    CreditSagaRoutes(CreditSagaHandler handler) {
        this.handler = handler;
    }

    @Override
    public void configure() {
        // Every new order asks for credit; the LRA id arrives in the Long-Running-Action Kafka header.
        from("kafka:{{saga.topics.orders}}").routeId("consumeOrderEvents")
                .unmarshal().json(OrderCreated.class)
                .to("direct:reserveCredit");

        // Joins the order's saga, reserves the credit (or refuses) and reports the outcome.
        from("direct:reserveCredit").routeId("reserveCredit")
                .saga().propagation(SagaPropagation.MANDATORY)
                    .option("orderId", simple("${body.orderId}"))
                    .compensation("direct:releaseCredit")
                    .completion("direct:confirmCredit")
                .bean(handler, "reserve")
                .filter(body().isNotNull())
                    .setHeader(KafkaConstants.KEY, simple("${body.orderId}"))
                    .marshal().json()
                    .to("kafka:{{saga.topics.customers}}");

        // Compensation: the saga was cancelled, so the credit goes back (or a tombstone refuses a late reserve).
        from("direct:releaseCredit").routeId("releaseCredit")
                .bean(handler, "release(${header.orderId})");

        // Completion: the saga succeeded, so the reservation becomes permanent.
        from("direct:confirmCredit").routeId("confirmCredit")
                .bean(handler, "confirm(${header.orderId})");
    }
}
