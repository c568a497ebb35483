package io.k8saga.order.route;

import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.PaymentEvent;
import io.k8saga.order.message.OrderSagaHandler;
import io.k8saga.order.message.OrderSagaStarter;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.model.SagaCompletionMode;
import org.apache.camel.model.SagaPropagation;

/**
 * The order saga as seen by its initiator: start the LRA, then end it when the participants have answered.
 * Completion is MANUAL because the answers come back over Kafka, long after the starting exchange is done.
 */
@ApplicationScoped
public class OrderSagaRoutes extends RouteBuilder {

    private final OrderSagaHandler handler;

    OrderSagaRoutes(OrderSagaHandler handler) {
        this.handler = handler;
    }

    @Override
    public void configure() {
        // Starts the LRA for a stored order and publishes OrderCreated with the LRA id in its headers.
        // Called through OrderSagaStarter, on an exchange that carries nothing but the order id.
        from("direct:startOrderSaga").routeId("startOrderSaga")
                .saga().propagation(SagaPropagation.REQUIRES_NEW)
                    .completionMode(SagaCompletionMode.MANUAL)
                    .timeout("{{saga.timeout}}")
                    .option("orderId", exchangeProperty(OrderSagaStarter.ORDER_ID))
                    .compensation("direct:rejectOrder")
                    .completion("direct:approveOrder")
                .bean(handler, "sagaStarted")
                .setHeader(KafkaConstants.KEY, exchangeProperty(OrderSagaStarter.ORDER_ID))
                .marshal().json()
                .to("kafka:{{saga.topics.orders}}");

        // Compensation: the saga was cancelled (a refusal or the time limit), so the order is rejected.
        from("direct:rejectOrder").routeId("rejectOrder")
                .bean(handler, "reject(${header.orderId})");

        // Completion: every participant agreed, so the order is approved.
        from("direct:approveOrder").routeId("approveOrder")
                .bean(handler, "approve(${header.orderId})");

        // Credit refusals end the saga; CreditReserved is payment-route's cue, not ours.
        from("kafka:{{saga.topics.customers}}").routeId("consumeCustomerEvents")
                .unmarshal().json(CreditEvent.class)
                .filter(method(handler, "isRefusal"))
                    .bean(handler, "creditRefused")
                    .to("direct:compensateOrderSaga");

        // The payment outcome ends the saga either way.
        from("kafka:{{saga.topics.payments}}").routeId("consumePaymentEvents")
                .unmarshal().json(PaymentEvent.class)
                .choice()
                    .when(method(handler, "isAuthorized"))
                        .to("direct:completeOrderSaga")
                    .otherwise()
                        .bean(handler, "paymentDeclined")
                        .to("direct:compensateOrderSaga");

        // Closes the LRA named in the Long-Running-Action header: the coordinator calls every completion.
        from("direct:completeOrderSaga").routeId("completeOrderSaga")
                .to("saga:complete");

        // Cancels the LRA named in the Long-Running-Action header: the coordinator calls every compensation.
        from("direct:compensateOrderSaga").routeId("compensateOrderSaga")
                .to("saga:compensate");
    }
}
