package io.k8saga.order.route;

import io.k8saga.common.api.ApiException;
import io.k8saga.common.api.ProblemResponses;
import io.k8saga.order.api.OrderApi;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/** The public order API: REST entry points hand off to one direct route each. */
@ApplicationScoped
public class OrderApiRoutes extends RouteBuilder {

    private static final ApiException SAGA_UNAVAILABLE =
            new ApiException(503, null, "The order saga could not be started; retry later");

    private final OrderApi api;

    OrderApiRoutes(OrderApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        ProblemResponses.register(this);

        rest("/api/orders")
                .post().to("direct:placeOrder")
                .get().to("direct:listOrders")
                .get("/{orderId}").to("direct:getOrder");

        // Validates and stores the order, then starts its saga; 202 for a new order, 200 for a replayed key.
        from("direct:placeOrder").routeId("placeOrder")
                .convertBodyTo(String.class)
                .bean(api, "place(${header.Content-Type}, ${header.Idempotency-Key}, ${body})")
                .setProperty("orderId", simple("${body.order.orderId}"))
                .setProperty("isNew", simple("${body.isNew}"))
                .filter(exchangeProperty("isNew"))
                    .doTry()
                        .to("direct:startOrderSaga")
                    .doCatch(Exception.class)
                        .log(LoggingLevel.ERROR, "Order ${exchangeProperty.orderId}: saga not started: ${exception}")
                        .bean(api, "abandon(${exchangeProperty.orderId})")
                        .process(ProblemResponses.respond(SAGA_UNAVAILABLE))
                        .stop()
                    .end()
                .end()
                .bean(api, "find(${exchangeProperty.orderId})")
                .setHeader("Location", simple("/api/orders/${exchangeProperty.orderId}"))
                .choice()
                    .when(exchangeProperty("isNew"))
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202))
                    .otherwise()
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(200))
                .end()
                .to("direct:replyJson");

        // Reads one order and where its saga stands.
        from("direct:getOrder").routeId("getOrder")
                .bean(api, "find(${header.orderId})")
                .to("direct:replyJson");

        // Lists orders, filtered and paged by the query parameters.
        from("direct:listOrders").routeId("listOrders")
                .bean(api, "list(${header.customerId}, ${header.status}, ${header.page}, ${header.size})")
                .to("direct:replyJson");

        // Writes the body as the JSON response; internal headers (Kafka, LRA) never reach the client.
        from("direct:replyJson").routeId("replyJson")
                .removeHeaders("*", Exchange.HTTP_RESPONSE_CODE, "Location")
                .marshal().json()
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
    }
}
