package io.k8saga.credit.route;

import io.k8saga.common.events.OrderCreated;
import io.k8saga.common.events.OrderOutcome;
import io.k8saga.common.message.EventConsumers;
import io.k8saga.common.message.EventHeaders;
import io.k8saga.common.message.Inbox;
import io.k8saga.credit.message.CreditSagaHandler;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.SagaPropagation;

/** The credit step of the order saga, with its compensation and completion right below it. */
@ApplicationScoped
public class CreditSagaRoutes extends RouteBuilder {

    private final CreditSagaHandler handler;
    private final EventConsumers consumers;
    private final Inbox inbox;

    CreditSagaRoutes(CreditSagaHandler handler, EventConsumers consumers, Inbox inbox) {
        this.handler = handler;
        this.consumers = consumers;
        this.inbox = inbox;
    }

    @Override
    public void configure() {
        consumers.register(this);

        // Every new order asks for credit; the LRA id arrives in the Long-Running-Action Kafka header. Every final
        // order settles its reservation, in case the coordinator's callback did not. A replayed event is skipped
        // here, before it could join a saga that ended long ago.
        consumers.consume(this, "{{saga.topics.orders}}", "consumeOrderEvents", route -> route
                .filter(method(inbox, "isNew(${header.eventId})"))
                    .choice()
                        .when(header(EventHeaders.EVENT_TYPE).isEqualTo(OrderOutcome.class.getSimpleName()))
                            .unmarshal().json(OrderOutcome.class)
                            .bean(handler, "settle(${body}, ${header.eventId}, ${header.Long-Running-Action})")
                        .otherwise()
                            .unmarshal().json(OrderCreated.class)
                            .bean(handler, "validate")
                            .to("direct:reserveCredit")
                    .end()
                .end()
                .to(EventConsumers.COMMIT_OFFSET));

        // Joins the order's saga, then reserves the credit (or refuses) and stores the outcome event in the outbox.
        from("direct:reserveCredit").routeId("reserveCredit")
                .errorHandler(noErrorHandler())
                .saga().propagation(SagaPropagation.MANDATORY)
                    .option("orderId", simple("${body.orderId}"))
                    .compensation("direct:releaseCredit")
                    .completion("direct:confirmCredit")
                .bean(handler, "reserve(${body}, ${header.eventId}, ${header.Long-Running-Action})");

        // Compensation: the saga was cancelled, so the credit goes back (or a tombstone refuses a late reserve).
        from("direct:releaseCredit").routeId("releaseCredit")
                .bean(handler, "release(${header.orderId}, ${header.Long-Running-Action})");

        // Completion: the saga succeeded, so the reservation becomes permanent.
        from("direct:confirmCredit").routeId("confirmCredit")
                .bean(handler, "confirm(${header.orderId}, ${header.Long-Running-Action})");
    }
}
