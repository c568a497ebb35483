package io.k8saga.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * The saga meters every service shares, named once here (Prometheus names in brackets): how long a step takes from
 * its event's arrival to its outcome event stored ({@code saga_step_duration_seconds{step}}), how long an outbox row
 * waits to be published ({@code saga_outbox_publish_lag_seconds}), events skipped as repeats
 * ({@code saga_inbox_duplicates_total}), events given up to a dead-letter topic
 * ({@code saga_dead_letters_total{topic}}, the topic they came from), and the coordinator's callbacks
 * ({@code saga_callbacks_total{kind,result}}). Every series is there from the start, at zero, so a dashboard and an
 * alert see it before its first event.
 */
@Startup
@ApplicationScoped
public class SagaMetrics {

    /** Longest step or publishing lag the histograms resolve; beyond it every value falls in the last bucket. */
    private static final Duration LONGEST = Duration.ofMinutes(2);

    private final MeterRegistry registry;
    private final Counter inboxDuplicates;
    private final Timer publishLag;

    SagaMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.inboxDuplicates = Counter.builder("saga.inbox.duplicates")
                .description("Events skipped because they had been applied before (a redelivery or a replay)")
                .register(registry);
        this.publishLag = Timer.builder("saga.outbox.publish.lag")
                .description("From an outbox row's commit to the broker's acknowledgement of its event")
                .publishPercentileHistogram().maximumExpectedValue(LONGEST)
                .register(registry);
        for (String kind : List.of("complete", "compensate")) {
            for (String result : List.of("ok", "refused", "failed")) {
                callbacks(kind, result);
            }
        }
    }

    /** Registers a step's timer, at zero until it first runs. */
    public void step(String step) {
        stepTimer(step);
    }

    /** A step finished: its outcome event is stored, {@code took} after its event arrived. */
    public void stepDone(String step, Duration took) {
        stepTimer(step).record(took);
    }

    /** Registers the dead-letter counter of a consumed topic, at zero until its first dead letter. */
    public void consumed(String topic) {
        deadLetters(topic);
    }

    /** An event skipped as applied before. */
    public void inboxDuplicate() {
        inboxDuplicates.increment();
    }

    /** An outbox event the broker acknowledged, {@code lag} after its row was written. */
    public void published(Duration lag) {
        publishLag.record(lag);
    }

    /** An event of {@code topic} given up and sent to {@code <topic>.dlq}. */
    public void deadLettered(String topic) {
        deadLetters(String.valueOf(topic)).increment();
    }

    /**
     * A coordinator callback answered: {@code kind} complete or compensate, {@code result} ok (2xx), refused (not a
     * callback of ours: 403) or failed (any other answer; the coordinator calls again).
     */
    public void callback(String kind, String result) {
        callbacks(kind, result).increment();
    }

    private Timer stepTimer(String step) {
        return Timer.builder("saga.step.duration").tag("step", step)
                .description("From a step's event received to its outcome event stored")
                .publishPercentileHistogram().maximumExpectedValue(LONGEST)
                .register(registry);
    }

    private Counter deadLetters(String topic) {
        return Counter.builder("saga.dead.letters").tag("topic", topic)
                .description("Events sent to the dead-letter topic of the topic they came from")
                .register(registry);
    }

    private Counter callbacks(String kind, String result) {
        return Counter.builder("saga.callbacks").tag("kind", kind).tag("result", result)
                .description("Completion and compensation callbacks of the coordinator, by answer")
                .register(registry);
    }
}
