package io.k8saga.order.route;

import io.k8saga.common.api.ApiAuthentication;
import io.k8saga.common.api.ApiReplies;
import io.k8saga.order.api.OrderApi;
import io.k8saga.order.api.OrderTimelines;
import io.k8saga.order.api.SagaAdminApi;
import io.k8saga.order.domain.OrderWatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/** The public order API and the operators' stuck-saga list: REST entry points hand off to one direct route each. */
@ApplicationScoped
public class OrderApiRoutes extends RouteBuilder {

    private final OrderApi api;
    private final SagaAdminApi admin;
    private final OrderWatch watch;
    private final OrderTimelines timelines;

    OrderApiRoutes(OrderApi api, SagaAdminApi admin, OrderWatch watch, OrderTimelines timelines) {
        this.api = api;
        this.admin = admin;
        this.watch = watch;
        this.timelines = timelines;
    }

    @Override
    public void configure() {
        ApiReplies.register(this);

        rest("/api/orders")
                .post().to("direct:placeOrder")
                .get().to("direct:listOrders")
                .get("/{orderId}").to("direct:getOrder")
                .get("/{orderId}/timeline").to("direct:getOrderTimeline");

        // For operators only (an admin token): outside /api, so neither the ingress nor the local gateway routes it.
        rest("/admin/sagas")
                .get("/stuck").to("direct:listStuckSagas");

        // Validates and stores the order, then starts its saga; 202 for a new order, 200 for a replayed key.
        from("direct:placeOrder").routeId("placeOrder")
                .convertBodyTo(byte[].class)
                .bean(api, "place(" + ApiAuthentication.CALLER + ", ${header.Content-Type}, ${header.Idempotency-Key},"
                        + " ${body})")
                .setHeader(Exchange.HTTP_RESPONSE_CODE, simple("${body.httpStatus}"))
                .setHeader("Location", simple("/api/orders/${body.order.orderId}"))
                .setBody(simple("${body.order}"))
                .to(ApiReplies.REPLY_JSON);

        // Reads one order and where its saga stands. A Prefer: wait=N was honoured before this route (OrderWaits
        // held the request until the order was final or N seconds had passed); the answer says so.
        from("direct:getOrder").routeId("getOrder")
                .setHeader(ApiReplies.PREFERENCE_APPLIED, method(api, "appliedPreference(${header.Prefer})"))
                .bean(api, "find(" + ApiAuthentication.CALLER + ", ${header.orderId})")
                .to(ApiReplies.REPLY_JSON);

        // The order's saga step by step across the three services; the participants are read with the caller's own
        // token, so they show what they would show that caller.
        from("direct:getOrderTimeline").routeId("getOrderTimeline")
                .bean(timelines, "of(" + ApiAuthentication.CALLER + ", ${header.orderId}, ${header.Authorization})")
                .to(ApiReplies.REPLY_JSON);

        // Lists orders, filtered and paged by the query parameters.
        from("direct:listOrders").routeId("listOrders")
                .bean(api, "list(" + ApiAuthentication.CALLER + ", ${header.customerId}, ${header.status}, ${header.page},"
                        + " ${header.size})")
                .to(ApiReplies.REPLY_JSON);

        // Re-reads the orders this instance waits for (long-polling reads, admission places), for a change another
        // replica committed.
        from("timer:recheckWatchedOrders?period={{saga.orders.recheck-interval}}").routeId("recheckWatchedOrders")
                .bean(watch, "recheck");

        // The sagas that did not end by themselves, with their orders.
        from("direct:listStuckSagas").routeId("listStuckSagas")
                .bean(admin, "stuck")
                .to(ApiReplies.REPLY_JSON);
    }
}
