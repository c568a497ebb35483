package io.k8saga.order.message;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Runs {@code direct:startOrderSaga} for one order on an exchange of its own and waits until it is done.
 * The saga EIP and the Kafka producer complete asynchronously; keeping them off the HTTP exchange means the
 * response is written only once the saga has started, and never while another thread still changes its headers.
 */
@ApplicationScoped
public class OrderSagaStarter {

    /** The exchange property that carries the order id into {@code direct:startOrderSaga}. */
    public static final String ORDER_ID = "orderId";
    /** The exchange property naming the LRA the new one replaces (the coordinator lost it); absent for a first start. */
    public static final String LOST_SAGA_ID = "lostSagaId";

    private final ProducerTemplate template;

    OrderSagaStarter(ProducerTemplate template) {
        this.template = template;
    }

    /** Starts the order's LRA and publishes OrderCreated; the exception says why it could not. */
    public void start(String orderId) throws Exception {
        restart(orderId, null);
    }

    /** As {@link #start}, for an order whose LRA {@code lostSagaId} the coordinator no longer knows. */
    public void restart(String orderId, String lostSagaId) throws Exception {
        Exchange done = template.send("direct:startOrderSaga", exchange -> {
            exchange.setProperty(ORDER_ID, orderId);
            exchange.setProperty(LOST_SAGA_ID, lostSagaId);
        });
        if (done.getException() != null) {
            throw done.getException();
        }
    }
}
