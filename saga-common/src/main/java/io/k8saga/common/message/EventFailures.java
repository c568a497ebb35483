package io.k8saga.common.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.k8saga.common.lra.CoordinatorShards;
import io.k8saga.common.lra.LraStatus;
import io.k8saga.common.lra.UnknownCoordinatorException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.kafka.common.errors.RetriableException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for an event whose processing failed, whether to try it again. An event that can never be applied
 * (unreadable, invalid) is not retried and goes to the dead-letter topic; an outage (database, coordinator, broker)
 * is retried for as long as it lasts, so the partition waits rather than losing the event; anything else is retried
 * a few times and then dead-lettered. An outage of the coordinator shard of the event's saga alone is not retried in
 * place but parked ({@link ParkedEvents}): the partition goes on with other sagas; so is an event that waits for
 * another record ({@link EventNotReadyException}). A step whose saga has already ended (its LRA finished or timed
 * out while the event waited) is not retried either: its compensation ran, so there is nothing left to do.
 */
@ApplicationScoped
public class EventFailures {

    /** Exchange property set when the failure was a saga that had ended; the event is then dropped, not dead-lettered. */
    public static final String SAGA_ENDED = "sagaEnded";
    /**
     * Exchange property set when the event waits for a coordinator shard that does not answer, or for another record;
     * it is then parked.
     */
    public static final String PARK = "parkEvent";

    private static final Logger LOG = LoggerFactory.getLogger(EventFailures.class);
    private static final Set<String> LRA_REFUSALS = Set.of("Cannot join LRA", "Cannot complete LRA",
            "Cannot compensate LRA");
    // SQL state classes of an outage or a lost race: connection, rollback, resources, operator intervention.
    private static final Set<String> TRANSIENT_SQL_CLASSES = Set.of("08", "40", "53", "57", "HY");

    private final CoordinatorShards shards;
    private final LraStatus lras;
    private final int attempts;
    private final MeterRegistry registry;

    EventFailures(CoordinatorShards shards, LraStatus lras,
            @ConfigProperty(name = "saga.events.attempts") int attempts, MeterRegistry registry) {
        this.shards = shards;
        this.lras = lras;
        this.attempts = attempts;
        this.registry = registry;
    }

    /** The retry predicate of every event consumer (Camel's retryWhile). */
    public boolean retry(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int attempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        if (isInvalid(failure)) {
            return false;
        }
        String sagaId = exchange.getIn().getHeader(Exchange.SAGA_LONG_RUNNING_ACTION, String.class);
        if (isNotReady(failure)) {
            // Bounded by the saga's own timeout, like an LRA refusal: once it ends, the event is dropped.
            exchange.setProperty(hasEnded(sagaId) ? SAGA_ENDED : PARK, true);
            return false;
        }
        if (isOutage(failure) && shards.isOnFailingShard(sagaId)) {
            exchange.setProperty(PARK, true);
            return false;
        }
        if (isLraRefusal(failure)) {
            // Refused for an LRA of no coordinator of ours: nothing to wait for, a dead letter at once.
            if (!shards.isOurs(sagaId)) {
                return false;
            }
            if (hasEnded(sagaId)) {
                exchange.setProperty(SAGA_ENDED, true);
                return false;
            }
            // Bounded by the saga's own timeout: once it ends, the branch above stops the retries.
            return retried("lra-refused");
        }
        if (isOutage(failure)) {
            return retried("outage");
        }
        return attempt < attempts && retried("failed");
    }

    /** Counts one more try of a failed event, by why it is tried again; always true. */
    private boolean retried(String reason) {
        registry.counter("saga.events.retries", "reason", reason).increment();
        return true;
    }

    static boolean isInvalid(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException || t instanceof JsonProcessingException
                    || t instanceof InvalidPayloadException || t instanceof UnknownCoordinatorException) {
                return true;
            }
        }
        return false;
    }

    static boolean isNotReady(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EventNotReadyException) {
                return true;
            }
        }
        return false;
    }

    static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof RetriableException
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && isTransientSqlState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransientSqlState(String state) {
        // No state at all: the pool's own errors, such as a connection acquisition timeout.
        return state == null || "23505".equals(state)
                || (state.length() >= 2 && TRANSIENT_SQL_CLASSES.contains(state.substring(0, 2)));
    }

    static boolean isLraRefusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && LRA_REFUSALS.contains(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** True when the coordinator says the LRA is over (unknown to it, or no longer active). */
    private boolean hasEnded(String sagaId) {
        if (!shards.isOurs(sagaId)) {
            return false;
        }
        try {
            return !LraStatus.ACTIVE.equals(lras.of(sagaId));
        } catch (UncheckedIOException | IllegalStateException e) {
            LOG.debug("Cannot ask the coordinator about {}: {}", sagaId, e.toString());
            return false;
        }
    }
}
