package io.k8saga.payment.route;

import io.k8saga.common.api.ApiAuthentication;
import io.k8saga.common.api.ApiReplies;
import io.k8saga.payment.api.PaymentApi;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.builder.RouteBuilder;

/** The public payment API: the REST entry point hands off to a direct route. */
@ApplicationScoped
public class PaymentApiRoutes extends RouteBuilder {

    private final PaymentApi api;

    PaymentApiRoutes(PaymentApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        ApiReplies.register(this);

        rest("/api/payments")
                .get().to("direct:findPayments");

        // Lists the payments of the order given by the orderId query parameter (a customer's own only).
        from("direct:findPayments").routeId("findPayments")
                .bean(api, "findByOrder(" + ApiAuthentication.CALLER + ", ${header.orderId})")
                .to(ApiReplies.REPLY_JSON);
    }
}
