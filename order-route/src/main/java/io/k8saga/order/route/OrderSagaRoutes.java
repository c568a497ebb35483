package io.k8saga.order.route;

import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.PaymentEvent;
import io.k8saga.common.message.EventConsumers;
import io.k8saga.common.message.Inbox;
import io.k8saga.order.message.OrderResumer;
import io.k8saga.order.message.OrderSagaHandler;
import io.k8saga.order.message.OrderSagaStarter;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.SagaCompletionMode;
import org.apache.camel.model.SagaPropagation;

/**
 * The order saga as seen by its initiator: start the LRA, then end it when the participants have answered.
 * Completion is MANUAL because the answers come back over Kafka, long after the starting exchange is done.
 */
@ApplicationScoped
public class OrderSagaRoutes extends RouteBuilder {

    private final OrderSagaHandler handler;
    private final OrderResumer resumer;
    private final EventConsumers consumers;
    private final Inbox inbox;

    OrderSagaRoutes(OrderSagaHandler handler, OrderResumer resumer, EventConsumers consumers, Inbox inbox) {
        this.handler = handler;
        this.resumer = resumer;
        this.consumers = consumers;
        this.inbox = inbox;
    }

    @Override
    public void configure() {
        consumers.register(this);

        // Starts the LRA for a stored order, records it and stores OrderCreated (LRA id in its headers) in the
        // outbox. Called through OrderSagaStarter, on an exchange that carries nothing but the order id.
        from("direct:startOrderSaga").routeId("startOrderSaga")
                .saga().propagation(SagaPropagation.REQUIRES_NEW)
                    .completionMode(SagaCompletionMode.MANUAL)
                    .timeout("{{saga.timeout}}")
                    .option("orderId", exchangeProperty(OrderSagaStarter.ORDER_ID))
                    .compensation("direct:rejectOrder")
                    .completion("direct:approveOrder")
                .bean(handler, "sagaStarted");

        // Compensation: the saga was cancelled (a refusal or the time limit), so the order is rejected, if this LRA
        // is its saga.
        from("direct:rejectOrder").routeId("rejectOrder")
                .bean(handler, "reject(${header.orderId}, ${header.Long-Running-Action})");

        // Completion: every participant agreed, so the order is approved, if this LRA is its saga.
        from("direct:approveOrder").routeId("approveOrder")
                .bean(handler, "approve(${header.orderId}, ${header.Long-Running-Action})");

        // Every event acted on must be about a PENDING order and name its LRA (requireOpenSaga, checked by approves
        // for payments), else it is a dead letter. Credit refusals end the saga; CreditReserved is payment-route's
        // cue, not ours (and may come after the payment ended the saga). The effect here is a call to the
        // coordinator, so the inbox records the event after it: a crash in between repeats the event, which the
        // ended order then sends to the dead letters, or ending an LRA that has ended already is dropped as such
        // (EventFailures).
        consumers.consume(this, "{{saga.topics.customers}}", "consumeCustomerEvents", route -> route
                .filter(method(inbox, "isNew(${header.eventId})"))
                    .unmarshal().json(CreditEvent.class)
                    .filter(method(handler, "isRefusal"))
                        .bean(handler, "requireOpenSaga(${body.orderId}, ${header.Long-Running-Action})")
                        .bean(handler, "creditRefused")
                        .to("direct:compensateOrderSaga")
                    .end()
                    .bean(inbox, "record(${header.eventId})")
                .end()
                .to(EventConsumers.COMMIT_OFFSET));

        // The payment outcome ends the saga either way. An authorization that comes too close to the saga's time
        // limit cancels it instead: the coordinator's timer was seen to compensate an LRA whose close it was still
        // carrying out.
        consumers.consume(this, "{{saga.topics.payments}}", "consumePaymentEvents", route -> route
                .filter(method(inbox, "isNew(${header.eventId})"))
                    .unmarshal().json(PaymentEvent.class)
                    .choice()
                        .when(method(handler, "approves(${body}, ${header.Long-Running-Action})"))
                            .to("direct:completeOrderSaga")
                        .otherwise()
                            .bean(handler, "paymentNotApproving")
                            .to("direct:compensateOrderSaga")
                    .end()
                    .bean(inbox, "record(${header.eventId})")
                .end()
                .to(EventConsumers.COMMIT_OFFSET));

        // Closes the LRA named in the Long-Running-Action header: the coordinator calls every completion.
        from("direct:completeOrderSaga").routeId("completeOrderSaga")
                .errorHandler(noErrorHandler())
                .to("saga:complete");

        // Cancels the LRA named in the Long-Running-Action header: the coordinator calls every compensation.
        from("direct:compensateOrderSaga").routeId("compensateOrderSaga")
                .errorHandler(noErrorHandler())
                .to("saga:compensate");

        // Orders stored without an LRA (order-route died in between) get their saga started after all.
        from("timer:resumeUnstartedOrders?period={{saga.orphan-check-interval}}").routeId("resumeUnstartedOrders")
                .bean(resumer, "resumeUnstartedOrders");

        // Orders still PENDING past the saga timeout plus the grace: no saga started, or the coordinator stuck.
        from("timer:settleStuckOrders?period={{saga.orphan-check-interval}}").routeId("settleStuckOrders")
                .bean(handler, "settleStuckOrders");
    }
}
