package io.k8saga.common.message;

import io.k8saga.common.lra.CoordinatorShards;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.model.RouteDefinition;

/**
 * How every service consumes a topic. A record's offset is committed by hand, only once its effect is durable (or it
 * was dead-lettered); the commit is sent without waiting, with the consumer's next poll. A process that dies gets
 * again the records since its last commit that reached the broker, and the inbox makes the repeats harmless. A
 * record that fails is retried as {@link EventFailures} decides; when it gives up, the record goes to
 * {@code <topic>.dlq} with the reason, and the partition moves on. A record whose {@code Long-Running-Action}
 * names an LRA of any coordinator but ours goes there at once, before anything could call that URL.
 */
@ApplicationScoped
public class EventConsumers {

    /** Ends a consumer route: marks the record's offset for the consumer's next commit. */
    public static final String COMMIT_OFFSET = "direct:commitOffset";

    private static final String DEAD_LETTER = "direct:deadLetter";

    private final EventFailures failures;
    private final CoordinatorShards shards;

    EventConsumers(EventFailures failures, CoordinatorShards shards) {
        this.failures = failures;
        this.shards = shards;
    }

    /**
     * Starts the consumer route of {@code topic} (a name or a property placeholder) with its error handling; the
     * route must end with {@code .to(COMMIT_OFFSET)}. Call {@link #register} once in the same builder.
     */
    public RouteDefinition consume(RouteBuilder routes, String topic, String routeId) {
        RouteDefinition route = routes.from("kafka:" + topic).routeId(routeId);
        route.onException(Exception.class)
                .retryWhile(routes.method(failures, "retry"))
                .redeliveryDelay(100).useExponentialBackOff().backOffMultiplier(2).maximumRedeliveryDelay(5000)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logExhausted(false)
                .handled(true)
                .useOriginalMessage()
                .to(DEAD_LETTER)
                .end();
        return route.bean(shards, "requireOursIfAny(${header.Long-Running-Action})");
    }

    /** Registers the dead-letter and commit routes the consumer routes share. */
    public void register(RouteBuilder routes) {
        // An event whose saga ended while it waited is dropped; any other failure is kept on the dead-letter topic.
        routes.from(DEAD_LETTER).routeId("deadLetter")
                .choice()
                    .when(routes.exchangeProperty(EventFailures.SAGA_ENDED).isEqualTo(true))
                        .log(LoggingLevel.INFO, "Event ${header.eventId} dropped: saga ${header.Long-Running-Action}"
                                + " had already ended")
                    .otherwise()
                        .process(EventConsumers::describeFailure)
                        .log(LoggingLevel.ERROR, "Event ${header.eventId} from ${header.deadLetterOrigin} sent to"
                                + " ${header.kafka.TOPIC}.dlq: ${header.deadLetterReason}")
                        .toD("kafka:${header.kafka.TOPIC}.dlq")
                .end()
                .to(COMMIT_OFFSET);

        routes.from(COMMIT_OFFSET).routeId("commitOffset")
                .process(exchange -> exchange.getIn()
                        .getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit());
    }

    private static void describeFailure(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        var in = exchange.getIn();
        in.setHeader(EventHeaders.DEAD_LETTER_REASON, failure == null ? "unknown" : failure.toString());
        in.setHeader(EventHeaders.DEAD_LETTER_ORIGIN, in.getHeader(KafkaConstants.TOPIC) + "/"
                + in.getHeader(KafkaConstants.PARTITION) + "/" + in.getHeader(KafkaConstants.OFFSET));
    }
}
