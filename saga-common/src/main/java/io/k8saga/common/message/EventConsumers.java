package io.k8saga.common.message;

import io.k8saga.common.lra.CoordinatorShards;
import io.k8saga.common.metrics.SagaMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.model.RouteDefinition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How every service consumes a topic. A record's offset is committed by hand, only once its effect is durable (or it
 * was dead-lettered); the commit is sent without waiting, with the consumer's next poll. A process that dies gets
 * again the records since its last commit that reached the broker, and the inbox makes the repeats harmless. A
 * record that fails is retried as {@link EventFailures} decides; when it gives up, the record goes to
 * {@code <topic>.dlq} with the reason, and the partition moves on. A record whose {@code Long-Running-Action}
 * names an LRA of any coordinator but ours goes there at once, before anything could call that URL. A record whose
 * saga's coordinator shard does not answer is parked ({@link ParkedEvents}) instead of holding its partition.
 *
 * <p>Each consumer is a static member of the service's group ({@link StaticMembership}): one that restarts under its
 * old id reads again at once, one that crashed for good is replaced once its session times out, and one that stops
 * gracefully leaves its group ({@link GroupDeparture}).
 */
@ApplicationScoped
public class EventConsumers {

    /** Ends a consumer route: marks the record's offset for the consumer's next commit. */
    public static final String COMMIT_OFFSET = "direct:commitOffset";

    private static final String DEAD_LETTER = "direct:deadLetter";

    private final EventFailures failures;
    private final CoordinatorShards shards;
    private final ParkedEvents parked;
    private final SagaMetrics metrics;
    private final String instance;
    private final int consumers;
    private final Duration leaveTimeout;

    EventConsumers(EventFailures failures, CoordinatorShards shards, ParkedEvents parked, SagaMetrics metrics,
            @ConfigProperty(name = "saga.instance-id") String instance,
            @ConfigProperty(name = "saga.events.consumers") int consumers,
            @ConfigProperty(name = "saga.events.leave-timeout") Duration leaveTimeout) {
        this.failures = failures;
        this.shards = shards;
        this.parked = parked;
        this.metrics = metrics;
        this.instance = instance;
        this.consumers = consumers;
        this.leaveTimeout = leaveTimeout;
    }

    /**
     * Adds the consumer routes of {@code topic} (a name or a property placeholder): {@code saga.events.consumers}
     * routes {@code <routeId>-1}, {@code <routeId>-2}, ..., each one consumer with its own group instance id, each
     * with the error handling and then the {@code steps}, which must end with {@code .to(COMMIT_OFFSET)}. Call
     * {@link #register} once in the same builder.
     */
    public void consume(RouteBuilder routes, String topic, String routeId, Consumer<RouteDefinition> steps) {
        String name = routes.getContext().resolvePropertyPlaceholders(topic);
        metrics.consumed(name);
        List<String> instanceIds = StaticMembership.instanceIds(instance, name, consumers);
        for (int n = 1; n <= instanceIds.size(); n++) {
            // One consumer per endpoint: Camel 4.9 would give all consumers of one endpoint the same instance id.
            RouteDefinition route = routes.from("kafka:" + name + "?consumersCount=1&groupInstanceId="
                    + instanceIds.get(n - 1)).routeId(routeId + "-" + n);
            handleFailures(routes, route, routeId);
            // An event of a saga whose shard is known not to answer is parked at once, without a call of its own.
            steps.accept(route.bean(shards, "requireOursIfAny(${header.Long-Running-Action})")
                    .bean(shards, "requireAnswering(${header.Long-Running-Action})"));
        }
        // Parked events come back through the same steps; this is the call that finds their shard back.
        RouteDefinition retry = routes.from(ParkedEvents.retryEndpoint(routeId)).routeId(routeId + "-parked");
        handleFailures(routes, retry, routeId);
        steps.accept(retry.bean(shards, "requireOursIfAny(${header.Long-Running-Action})"));
    }

    private void handleFailures(RouteBuilder routes, RouteDefinition route, String consumer) {
        route.onException(Exception.class)
                .retryWhile(routes.method(failures, "retry"))
                .redeliveryDelay(100).useExponentialBackOff().backOffMultiplier(2).maximumRedeliveryDelay(5000)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logExhausted(false)
                .handled(true)
                .useOriginalMessage()
                .to(DEAD_LETTER)
                .end();
        route.setProperty(ParkedEvents.CONSUMER, routes.constant(consumer));
    }

    /**
     * Registers the dead-letter and commit routes the consumer routes share, and the departure of this process's
     * consumers from their groups when Camel stops.
     */
    public void register(RouteBuilder routes) {
        routes.getContext().getManagementStrategy().addEventNotifier(new GroupDeparture(leaveTimeout));

        // An event whose saga ended while it waited is dropped, one whose coordinator shard does not answer is parked;
        // any other failure is kept on the dead-letter topic.
        routes.from(DEAD_LETTER).routeId("deadLetter")
                .choice()
                    .when(routes.exchangeProperty(EventFailures.PARK).isEqualTo(true))
                        .bean(parked, "park")
                    .when(routes.exchangeProperty(EventFailures.SAGA_ENDED).isEqualTo(true))
                        .log(LoggingLevel.INFO, "Event ${header.eventId} dropped: saga ${header.Long-Running-Action}"
                                + " had already ended")
                    .otherwise()
                        .process(EventConsumers::describeFailure)
                        .process(exchange -> metrics.deadLettered(
                                exchange.getIn().getHeader(KafkaConstants.TOPIC, String.class)))
                        .log(LoggingLevel.ERROR, "Event ${header.eventId} from ${header.deadLetterOrigin} sent to"
                                + " ${header.kafka.TOPIC}.dlq: ${header.deadLetterReason}")
                        .toD("kafka:${header.kafka.TOPIC}.dlq")
                .end()
                .to(COMMIT_OFFSET);

        // A parked event tried again has no offset left to commit.
        routes.from(COMMIT_OFFSET).routeId("commitOffset")
                .filter(routes.header(KafkaConstants.MANUAL_COMMIT).isNotNull())
                    .process(exchange -> exchange.getIn()
                            .getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit());

        routes.from("timer:retryParkedEvents?period={{saga.events.parked-retry-interval}}")
                .routeId("retryParkedEvents")
                .bean(parked, "retryDue");
    }

    private static void describeFailure(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        var in = exchange.getIn();
        in.setHeader(EventHeaders.DEAD_LETTER_REASON, failure == null ? "unknown" : failure.toString());
        in.setHeader(EventHeaders.DEAD_LETTER_ORIGIN, in.getHeader(KafkaConstants.TOPIC) + "/"
                + in.getHeader(KafkaConstants.PARTITION) + "/" + in.getHeader(KafkaConstants.OFFSET));
    }
}
