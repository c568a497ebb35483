package io.k8saga.common.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParseException;
import io.k8saga.common.db.DataAccessException;
import io.k8saga.common.lra.CoordinatorShards;
import io.k8saga.common.lra.UnknownCoordinatorException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** How a failed event is classified: the pure part of {@link EventFailures}. */
class EventFailuresTest {

    @Test
    void unreadableAndInvalidEventsAreInvalidWhereverTheyAreWrapped() {
        assertThat(EventFailures.isInvalid(new RuntimeException(new JsonParseException(null, "bad")))).isTrue();
        assertThat(EventFailures.isInvalid(new InvalidEventException("no eventId"))).isTrue();
        assertThat(EventFailures.isInvalid(new CompletionException(new UnknownCoordinatorException(
                "http://elsewhere/lra-coordinator/1", List.of("http://ours/lra-coordinator"))))).isTrue();
        assertThat(EventFailures.isInvalid(new IllegalStateException("boom"))).isFalse();
    }

    @Test
    void connectionLossesRollbacksAndLostRacesAreOutages() {
        assertThat(EventFailures.isOutage(sql("08001"))).as("connection refused").isTrue();
        assertThat(EventFailures.isOutage(sql("57P01"))).as("admin shutdown").isTrue();
        assertThat(EventFailures.isOutage(sql("40001"))).as("serialization failure").isTrue();
        assertThat(EventFailures.isOutage(sql("23505"))).as("unique violation, a lost race").isTrue();
        assertThat(EventFailures.isOutage(sql(null))).as("pool acquisition timeout").isTrue();
        assertThat(EventFailures.isOutage(new CompletionException(new ConnectException("refused")))).isTrue();
    }

    @Test
    void brokenRulesAndBugsAreNotOutages() {
        assertThat(EventFailures.isOutage(sql("23514"))).as("check constraint").isFalse();
        assertThat(EventFailures.isOutage(new NullPointerException())).isFalse();
    }

    @Test
    void theCoordinatorRefusingAnLraIsRecognisedThroughWrappers() {
        assertThat(EventFailures.isLraRefusal(new CompletionException(
                new org.apache.camel.RuntimeCamelException("Cannot join LRA")))).isTrue();
        assertThat(EventFailures.isLraRefusal(new IllegalStateException("Cannot join"))).isFalse();
    }

    @Test
    void anOutageOfTheSagasShardParksTheEventAndAnyOtherOutageIsRetriedInPlace() {
        CoordinatorShards shards = new CoordinatorShards("http://shard-0:8090,http://shard-1:8090", "/lra-coordinator");
        EventFailures failures = new EventFailures(shards, null, 5, new SimpleMeterRegistry());
        shards.failed("http://shard-1:8090/lra-coordinator");

        Exchange onSilentShard = failed("http://shard-1:8090/lra-coordinator/1", new ConnectException("refused"));
        assertThat(failures.retry(onSilentShard)).isFalse();
        assertThat(onSilentShard.getProperty(EventFailures.PARK, false, Boolean.class)).isTrue();

        Exchange databaseDown = failed("http://shard-0:8090/lra-coordinator/2", sql("08001"));
        assertThat(failures.retry(databaseDown)).as("retried in place").isTrue();
        assertThat(databaseDown.getProperty(EventFailures.PARK)).isNull();

        Exchange bug = failed("http://shard-1:8090/lra-coordinator/3", new NullPointerException());
        assertThat(failures.retry(bug)).as("a bug is not the shard's silence").isTrue();
        assertThat(bug.getProperty(EventFailures.PARK)).isNull();
    }

    @Test
    void anEventWaitingForAnotherRecordIsParkedNotRetriedInPlaceWhereverTheExceptionIsWrapped() {
        CoordinatorShards shards = new CoordinatorShards("http://shard-0:8090", "/lra-coordinator");
        EventFailures failures = new EventFailures(shards, null, 5, new SimpleMeterRegistry());

        Exchange waiting = failed("http://elsewhere:8090/lra-coordinator/1", new CompletionException(
                new EventNotReadyException("credit reserved before the payment request")));

        assertThat(EventFailures.isNotReady(waiting.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)))
                .isTrue();
        assertThat(failures.retry(waiting)).isFalse();
        assertThat(waiting.getProperty(EventFailures.PARK, false, Boolean.class)).isTrue();
        assertThat(waiting.getProperty(EventFailures.SAGA_ENDED)).isNull();
        assertThat(EventFailures.isNotReady(new IllegalStateException("boom"))).isFalse();
    }

    @Test
    void aRefusalForAnLraOfNoCoordinatorOfOursIsADeadLetterAtOnceAndRetriesAreCounted() {
        CoordinatorShards shards = new CoordinatorShards("http://shard-0:8090", "/lra-coordinator");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventFailures failures = new EventFailures(shards, null, 2, registry);

        Exchange foreign = failed("http://attacker:8090/lra-coordinator/1",
                new org.apache.camel.RuntimeCamelException("Cannot join LRA"));
        assertThat(failures.retry(foreign)).isFalse();
        assertThat(foreign.getProperty(EventFailures.SAGA_ENDED)).as("dead-lettered, not dropped").isNull();

        Exchange bug = failed("http://shard-0:8090/lra-coordinator/2", new NullPointerException());
        assertThat(failures.retry(bug)).isTrue();
        bug.getIn().setHeader(Exchange.REDELIVERY_COUNTER, 1);
        assertThat(failures.retry(bug)).isTrue();
        bug.getIn().setHeader(Exchange.REDELIVERY_COUNTER, 2);
        assertThat(failures.retry(bug)).as("bounded by saga.events.attempts").isFalse();
        assertThat(failures.retry(failed("http://shard-0:8090/lra-coordinator/3", sql("08001")))).isTrue();

        assertThat(registry.counter("saga.events.retries", "reason", "failed").count()).isEqualTo(2);
        assertThat(registry.counter("saga.events.retries", "reason", "outage").count()).isEqualTo(1);
    }

    private static Exchange failed(String sagaId, Exception failure) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader(Exchange.SAGA_LONG_RUNNING_ACTION, sagaId);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }

    private static RuntimeException sql(String state) {
        return new DataAccessException(new SQLException("failed", state));
    }
}
