package io.k8saga.credit.route;

import io.k8saga.common.api.ApiAuthentication;
import io.k8saga.common.api.ApiReplies;
import io.k8saga.credit.api.CustomerApi;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/** The public customer API: REST entry points hand off to one direct route each. */
@ApplicationScoped
public class CustomerApiRoutes extends RouteBuilder {

    private final CustomerApi api;

    CustomerApiRoutes(CustomerApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        ApiReplies.register(this);

        rest("/api/customers")
                .post().to("direct:registerCustomer")
                .get("/{customerId}").to("direct:getCustomer")
                .get("/{customerId}/reservations").to("direct:listReservations");

        // Creates a customer (administrators only); 201 with its Location.
        from("direct:registerCustomer").routeId("registerCustomer")
                .convertBodyTo(byte[].class)
                .bean(api, "register(" + ApiAuthentication.CALLER + ", ${header.Content-Type}, ${body})")
                .setHeader("Location", simple("/api/customers/${body.customerId}"))
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(201))
                .to(ApiReplies.REPLY_JSON);

        // Reads one customer with their reserved and available credit.
        from("direct:getCustomer").routeId("getCustomer")
                .bean(api, "find(" + ApiAuthentication.CALLER + ", ${header.customerId})")
                .to(ApiReplies.REPLY_JSON);

        // Lists the customer's credit reservations, one per order (what ./saga check compares with the orders), or
        // one order's (what order-route's saga timeline reads).
        from("direct:listReservations").routeId("listReservations")
                .bean(api, "reservations(" + ApiAuthentication.CALLER + ", ${header.customerId}, ${header.orderId})")
                .to(ApiReplies.REPLY_JSON);
    }
}
