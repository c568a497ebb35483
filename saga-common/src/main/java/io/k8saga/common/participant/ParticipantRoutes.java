package io.k8saga.common.participant;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8saga.common.events.OrderOutcome;
import io.k8saga.common.message.EventConsumers;
import io.k8saga.common.message.EventHeaders;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import io.k8saga.common.metrics.SagaMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.SagaPropagation;
import org.apache.camel.support.ExpressionAdapter;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The routes of every {@link SagaStep} bean of the service. One consumer per topic the steps read, plus the orders
 * topic: an {@code OrderOutcome} there settles every step; any other record of a step's topic is that step's event,
 * skipped when the step applied it before, and handed to {@code direct:<step>} when the step accepts it. That route
 * joins the record's LRA (mandatory: the record must carry one) with the order id and the compensation and completion
 * routes, whose URLs the LRA client signs, and runs the step. One more consumer per {@link StepInput} bean keeps the
 * records the steps need from topics of their own. A failure anywhere is retried, parked or dead-lettered as
 * {@link EventConsumers} decides.
 */
@ApplicationScoped
public class ParticipantRoutes extends RouteBuilder {

    private static final String OUTCOME = OrderOutcome.class.getSimpleName();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<SagaStep<?>> steps;
    private final List<StepInput<?>> inputs;
    private final Participants participants;
    private final SagaMetrics metrics;
    private final EventConsumers consumers;
    private final String ordersTopic;
    private ProducerTemplate stepCalls;

    ParticipantRoutes(@All List<SagaStep<?>> steps, @All List<StepInput<?>> inputs, Participants participants,
            EventConsumers consumers, SagaMetrics metrics,
            @ConfigProperty(name = "saga.topics.orders") String ordersTopic) {
        this.metrics = metrics;
        this.steps = steps;
        this.inputs = inputs;
        this.participants = participants;
        this.consumers = consumers;
        this.ordersTopic = ordersTopic;
    }

    @Override
    public void configure() {
        if (steps.isEmpty()) {
            return;
        }
        consumers.register(this);
        stepCalls = getContext().createProducerTemplate();
        // The steps of each consumed topic, placeholders resolved once here rather than for every record.
        Map<String, List<SagaStep<?>>> stepsByTopic = new LinkedHashMap<>();
        stepsByTopic.put(ordersTopic, new ArrayList<>());
        steps.forEach(step -> stepsByTopic.computeIfAbsent(
                getContext().resolvePropertyPlaceholders(step.declaration().consumedTopic()),
                topic -> new ArrayList<>()).add(step));
        stepsByTopic.forEach((topic, stepsOfTopic) -> consumers.consume(this, topic, consumerRouteId(topic),
                route -> route
                        .process(exchange -> dispatch(topic.equals(ordersTopic), stepsOfTopic, exchange))
                        .to(EventConsumers.COMMIT_OFFSET)));
        steps.forEach(this::stepRoutes);
        for (StepInput<?> input : inputs) {
            String topic = getContext().resolvePropertyPlaceholders(input.topic());
            if (stepsByTopic.containsKey(topic)) {
                throw new IllegalStateException("the input " + input.name() + " reads " + topic
                        + ", which a step consumes already: an input needs a topic of its own");
            }
            consumers.consume(this, topic, consumerRouteId(topic), route -> route
                    .process(exchange -> receive(input, exchange))
                    .to(EventConsumers.COMMIT_OFFSET));
        }
    }

    private <T> void receive(StepInput<T> input, Exchange record) throws IOException {
        participants.receive(input, read(record.getIn().getBody(String.class), input.type()), eventId(record),
                sagaId(record));
    }

    private <T> void stepRoutes(SagaStep<T> step) {
        StepDeclaration<T> names = step.declaration();
        metrics.step(names.step());
        from("direct:" + names.step()).routeId(names.step())
                // Failures go back to the consumer, which retries or dead-letters the record.
                .errorHandler(noErrorHandler())
                .saga().propagation(SagaPropagation.MANDATORY)
                    .option("orderId", new ExpressionAdapter() {
                        @Override
                        public Object evaluate(Exchange exchange) {
                            return step.orderId(names.eventType().cast(exchange.getIn().getBody()));
                        }
                    })
                    .compensation("direct:" + names.compensation())
                    .completion("direct:" + names.completion())
                .process(exchange -> participants.perform(step, names.eventType().cast(exchange.getIn().getBody()),
                        eventId(exchange), sagaId(exchange)));

        from("direct:" + names.compensation()).routeId(names.compensation())
                .process(exchange -> participants.compensate(step, callbackOrderId(exchange), sagaId(exchange)));

        from("direct:" + names.completion()).routeId(names.completion())
                .process(exchange -> participants.complete(step, callbackOrderId(exchange), sagaId(exchange)));
    }

    /**
     * Hands one record to the steps it concerns (an outcome on the orders topic to every step, anything else to the
     * steps of its topic); throws what a step threw, for the consumer's failure handling.
     */
    private void dispatch(boolean fromOrdersTopic, List<SagaStep<?>> stepsOfTopic, Exchange record) throws Exception {
        String body = record.getIn().getBody(String.class);
        String type = record.getIn().getHeader(EventHeaders.EVENT_TYPE, String.class);
        if (fromOrdersTopic && OUTCOME.equals(type)) {
            OrderOutcome outcome = read(body, OrderOutcome.class);
            for (SagaStep<?> step : steps) {
                participants.settle(step, outcome, eventId(record), sagaId(record));
            }
            return;
        }
        for (SagaStep<?> step : stepsOfTopic) {
            offer(step, body, record);
        }
    }

    private <T> void offer(SagaStep<T> step, String body, Exchange record) throws Exception {
        // A replay is skipped before it could join a saga that ended long ago.
        if (!participants.isNew(step, eventId(record))) {
            return;
        }
        T event = read(body, step.declaration().eventType());
        if (!step.accepts(event)) {
            return;
        }
        Exchange call = record.copy();
        call.getIn().setBody(event);
        stepCalls.send("direct:" + step.declaration().step(), call);
        if (call.getException() != null) {
            throw call.getException();
        }
        metrics.stepDone(step.declaration().step(), Duration.ofMillis(record.getClock().elapsed()));
    }

    private static <T> T read(String body, Class<T> type) throws IOException {
        return JSON.readValue(body, type);
    }

    private static String eventId(Exchange exchange) {
        return exchange.getIn().getHeader(EventHeaders.EVENT_ID, String.class);
    }

    private static String sagaId(Exchange exchange) {
        return exchange.getIn().getHeader(Exchange.SAGA_LONG_RUNNING_ACTION, String.class);
    }

    /** The order id Camel's participant route puts in a header from the callback URL's option. */
    private static String callbackOrderId(Exchange exchange) {
        return exchange.getIn().getHeader("orderId", String.class);
    }

    /** {@code order-events} → {@code consumeOrderEvents}. */
    static String consumerRouteId(String topic) {
        StringBuilder id = new StringBuilder("consume");
        for (String word : topic.split("[^A-Za-z0-9]+")) {
            if (!word.isEmpty()) {
                id.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
            }
        }
        return id.toString();
    }
}
