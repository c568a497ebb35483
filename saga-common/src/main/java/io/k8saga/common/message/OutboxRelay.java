package io.k8saga.common.message;

import io.k8saga.common.db.Sql;
import io.k8saga.common.metrics.SagaMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox to Kafka, oldest first, on one thread, and marks each row sent once the broker has
 * acknowledged it. It runs when a transaction with outbox rows commits and otherwise every poll interval, which is
 * how rows left by a crash, or by a publish that failed, go out. A row can be published twice (the process dies
 * after the broker's acknowledgement and before the row is marked): consumers drop the repeat by its event id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final Sql sql;
    private final ProducerTemplate producer;
    private final SagaMetrics metrics;
    private final Duration pollInterval;
    private final int batchSize;
    private final Duration retention;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private Thread worker;
    private Instant lastPurge = Instant.EPOCH;

    OutboxRelay(DataSource dataSource, ProducerTemplate producer, SagaMetrics metrics, MeterRegistry registry,
            @ConfigProperty(name = "saga.outbox.poll-interval") Duration pollInterval,
            @ConfigProperty(name = "saga.outbox.batch-size") int batchSize,
            @ConfigProperty(name = "saga.outbox.retention") Duration retention) {
        this.sql = new Sql(dataSource);
        this.producer = producer;
        this.metrics = metrics;
        this.pollInterval = pollInterval;
        this.batchSize = batchSize;
        this.retention = retention;
        Gauge.builder("saga.outbox.pending", this, OutboxRelay::pending)
                .description("Outbox events stored and not yet acknowledged by the broker").register(registry);
    }

    /** How many outbox rows wait to be published. */
    long pending() {
        return sql.count("SELECT COUNT(*) FROM outbox_event WHERE published_at IS NULL");
    }

    void start(@Observes StartupEvent started) {
        running = true;
        worker = new Thread(this::relay, "outbox-relay");
        worker.setDaemon(true);
        worker.start();
    }

    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        running = false;
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(5));
    }

    /** Asks the relay to look at the outbox now. */
    public void wakeUp() {
        wakeUps.release();
    }

    private void relay() {
        Duration pause = Duration.ZERO;
        while (running) {
            try {
                if (!pause.isZero()) {
                    wakeUps.tryAcquire(pause.toMillis(), TimeUnit.MILLISECONDS);
                    wakeUps.drainPermits();
                }
                pause = publishBatch() < batchSize ? pollInterval : Duration.ZERO;
                purgeOldRows();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Kafka or the database is away: the rows stay and the next pass tries again.
                LOG.warn("Outbox relay: publishing failed ({}); retrying in {}", e.toString(), pollInterval);
                pause = pollInterval;
            }
        }
    }

    /** Publishes the oldest unsent rows and marks those the broker acknowledged; returns how many it read. */
    private int publishBatch() throws InterruptedException {
        List<PendingEvent> batch = sql.list("SELECT seq, event_id, event_type, topic, event_key, saga_id, payload,"
                + " created_at FROM outbox_event WHERE published_at IS NULL ORDER BY seq LIMIT ?", PendingEvent::map,
                batchSize);
        if (batch.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<Exchange>> sends = new ArrayList<>(batch.size());
        for (PendingEvent event : batch) {
            sends.add(producer.asyncSend("kafka:" + event.topic(), exchange -> {
                exchange.getIn().setHeader(KafkaConstants.KEY, event.key());
                exchange.getIn().setHeader(EventHeaders.EVENT_ID, event.eventId());
                if (event.eventType() != null) {
                    exchange.getIn().setHeader(EventHeaders.EVENT_TYPE, event.eventType());
                }
                if (event.sagaId() != null) {
                    exchange.getIn().setHeader(Exchange.SAGA_LONG_RUNNING_ACTION, event.sagaId());
                }
                exchange.getIn().setBody(event.payload());
            }));
        }
        // Mark the acknowledged prefix only: a later row must never be marked while an earlier one is unsent.
        List<Long> sent = new ArrayList<>();
        RuntimeException failure = null;
        for (int i = 0; i < sends.size() && failure == null; i++) {
            Exchange done = sends.get(i).join();
            if (done.getException() == null) {
                sent.add(batch.get(i).seq());
                metrics.published(Duration.between(batch.get(i).createdAt(), OffsetDateTime.now()));
            } else {
                failure = new IllegalStateException("event " + batch.get(i).eventId() + " to "
                        + batch.get(i).topic(), done.getException());
            }
        }
        if (!sent.isEmpty()) {
            // By id, not by range: a row with a lower seq may commit after this batch was read.
            List<Object> params = new ArrayList<>(sent.size() + 1);
            params.add(OffsetDateTime.now());
            params.addAll(sent);
            sql.update("UPDATE outbox_event SET published_at = ? WHERE seq IN ("
                    + String.join(", ", Collections.nCopies(sent.size(), "?")) + ")", params.toArray());
        }
        if (failure != null) {
            throw failure;
        }
        return batch.size();
    }

    /** Sent rows are kept for {@code saga.outbox.retention} for a look back, then deleted. */
    private void purgeOldRows() {
        if (Instant.now().isBefore(lastPurge.plus(PURGE_EVERY))) {
            return;
        }
        lastPurge = Instant.now();
        sql.update("DELETE FROM outbox_event WHERE published_at < ?", OffsetDateTime.now().minus(retention));
    }

    private record PendingEvent(long seq, String eventId, String eventType, String topic, String key, String sagaId,
            String payload, OffsetDateTime createdAt) {

        static PendingEvent map(java.sql.ResultSet row) throws java.sql.SQLException {
            return new PendingEvent(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                    row.getString(5), row.getString(6), row.getString(7), row.getObject(8, OffsetDateTime.class));
        }
    }
}
