package io.k8saga.common.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8saga.common.db.Sql;
import io.k8saga.common.lra.CoordinatorShards;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events put aside because the coordinator shard of their saga does not answer, or because they need a record that
 * has not arrived yet ({@link EventNotReadyException}). Retrying such an event where it
 * stands would hold its partition, and with it the events of every other saga on that partition, for as long as the
 * shard is down (a killed shard: its restart; seen to cost sagas on the healthy shard their time limit). So the event
 * is stored here and its offset committed; {@link #retryDue} sends it through the same steps as on arrival once it
 * is due, until it is applied, dropped as ended, or dead-lettered like any other event. A repeat is harmless: the
 * steps start with the inbox check.
 */
@ApplicationScoped
public class ParkedEvents {

    /** Exchange property naming the consumer ({@code routeId} of {@link EventConsumers#consume}) of an event. */
    public static final String CONSUMER = "eventConsumer";

    private static final Logger LOG = LoggerFactory.getLogger(ParkedEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The headers the steps and the dead-letter route read; Kafka's own (offset, commit) mean nothing later. */
    private static final List<String> KEPT_HEADERS = List.of(EventHeaders.EVENT_ID, EventHeaders.EVENT_TYPE,
            Exchange.SAGA_LONG_RUNNING_ACTION, KafkaConstants.TOPIC, KafkaConstants.PARTITION, KafkaConstants.OFFSET,
            KafkaConstants.KEY);
    /** Most parked events tried in one round. */
    private static final int BATCH = 100;

    private final Sql sql;
    private final CoordinatorShards shards;
    private final ProducerTemplate template;
    private final Duration retryAfter;

    ParkedEvents(DataSource dataSource, CoordinatorShards shards, ProducerTemplate template,
            @ConfigProperty(name = "saga.events.parked-retry-after") Duration retryAfter, MeterRegistry registry) {
        this.sql = new Sql(dataSource);
        this.shards = shards;
        this.template = template;
        this.retryAfter = retryAfter;
        Gauge.builder("saga.events.parked", this, ParkedEvents::count)
                .description("Events waiting for the coordinator shard of their saga to answer, or for another record")
                .register(registry);
    }

    /** The endpoint a parked event of {@code consumer} is tried again through: the consumer's steps. */
    static String retryEndpoint(String consumer) {
        return "direct:" + consumer + "Parked";
    }

    /** Stores the exchange's event (original body and headers) to be tried again in {@code saga.events.parked-retry-after}. */
    public void park(Exchange exchange) {
        Message in = exchange.getIn();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : KEPT_HEADERS) {
            String value = in.getHeader(name, String.class);
            if (value != null) {
                headers.put(name, value);
            }
        }
        String sagaId = headers.get(Exchange.SAGA_LONG_RUNNING_ACTION);
        OffsetDateTime now = OffsetDateTime.now();
        sql.update("INSERT INTO parked_event (route_id, saga_id, headers, payload, parked_at, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", exchange.getProperty(CONSUMER, String.class), sagaId,
                toJson(headers), in.getBody(String.class), now, now.plus(retryAfter));
        Throwable why = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.info("Event {} of saga {} parked: {}", headers.get(EventHeaders.EVENT_ID), sagaId,
                why instanceof EventNotReadyException ? why.getMessage() : "its coordinator shard does not answer");
    }

    /**
     * Makes the parked events of the saga due now, for the next round: the record they waited for has come. Costs a
     * search of the (usually empty) table.
     */
    public void wake(String sagaId) {
        if (sagaId != null) {
            OffsetDateTime now = OffsetDateTime.now();
            sql.update("UPDATE parked_event SET next_attempt_at = ? WHERE saga_id = ? AND next_attempt_at > ?", now,
                    sagaId, now);
        }
    }

    /**
     * Tries the parked events that are due, oldest first. A shard that still does not answer is tried with one
     * event per round, not with each of its events (a frozen shard costs a time limit per call).
     */
    public void retryDue() {
        List<Parked> due = sql.list("SELECT id, route_id, saga_id, headers, payload FROM parked_event"
                + " WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id FETCH FIRST " + BATCH + " ROWS ONLY",
                row -> new Parked(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getString(5)), OffsetDateTime.now());
        Set<String> silent = new HashSet<>();
        for (Parked event : due) {
            String shard = shards.shardOf(event.sagaId()).orElse(event.sagaId());
            if (silent.contains(shard)) {
                continue;
            }
            // Failing again, it is parked anew (or dead-lettered) by the steps' error handling, so the old row goes.
            Exchange done = template.send(retryEndpoint(event.consumer()), exchange -> {
                exchange.getIn().setHeaders(new LinkedHashMap<>(fromJson(event.headers())));
                exchange.getIn().setBody(event.payload());
            });
            if (done.getException() != null) {
                // Not even parked again (the database?): the row stays, for the next round after the delay.
                LOG.warn("Parked event {} failed again and stays parked: {}", event.id(), done.getException().toString());
                sql.update("UPDATE parked_event SET next_attempt_at = ? WHERE id = ?",
                        OffsetDateTime.now().plus(retryAfter), event.id());
                continue;
            }
            sql.update("DELETE FROM parked_event WHERE id = ?", event.id());
            if (shards.isOnFailingShard(event.sagaId())) {
                silent.add(shard);
            }
        }
    }

    /** How many events are parked. */
    public long count() {
        return sql.count("SELECT COUNT(*) FROM parked_event");
    }

    private record Parked(long id, String consumer, String sagaId, String headers, String payload) {
    }

    private static String toJson(Map<String, String> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write headers " + headers, e);
        }
    }

    private static Map<String, Object> fromJson(String headers) {
        try {
            return JSON.readValue(headers, new TypeReference<Map<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read stored headers " + headers, e);
        }
    }
}
