package io.k8saga.common.message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.CamelContextRoutesStoppedEvent;
import org.apache.camel.spi.CamelEvent.RouteStoppedEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupResult;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes this process's static consumers out of their groups once Camel has stopped them, so that a graceful stop
 * hands their partitions over at once. Closing a static member does not leave its group (Kafka 3.7 clients), so
 * without this a pod that is replaced under another name (a rolling update) would leave its partitions unread until
 * its session timed out. A process that restarts under the same instance id would not need it, and one that crashes
 * cannot do it: there the session timeout is the bound.
 *
 * <p>The members are collected as their routes stop, and removed together, with one admin client and one deadline,
 * once all routes have stopped: a broker that is away then costs the deadline once, not once per consumer.
 */
final class GroupDeparture extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GroupDeparture.class);

    private final Duration timeout;
    /** Stopped static members by group, and the admin client settings of each group. */
    private final Map<String, List<String>> stopped = new LinkedHashMap<>();
    private final Map<String, Properties> adminSettings = new LinkedHashMap<>();

    GroupDeparture(Duration timeout) {
        this.timeout = timeout;
        setIgnoreExchangeEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreServiceEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof RouteStoppedEvent || event instanceof CamelContextRoutesStoppedEvent;
    }

    @Override
    public synchronized void notify(CamelEvent event) {
        if (event instanceof RouteStoppedEvent routeStopped
                && routeStopped.getRoute().getEndpoint() instanceof KafkaEndpoint kafka
                && kafka.getConfiguration().getGroupInstanceId() != null) {
            KafkaConfiguration configuration = kafka.getConfiguration();
            stopped.computeIfAbsent(configuration.getGroupId(), group -> new ArrayList<>())
                    .add(configuration.getGroupInstanceId());
            adminSettings.putIfAbsent(configuration.getGroupId(), adminSettings(configuration, timeout));
        } else if (event instanceof CamelContextRoutesStoppedEvent) {
            stopped.forEach((group, members) -> leave(adminSettings.get(group), group, members, timeout));
            stopped.clear();
        }
    }

    /**
     * Removes the static members {@code instanceIds} from {@code group}; call it only once they are closed, or a
     * live one would rejoin. Never throws: a member that is already gone, or a broker that does not answer within
     * the timeout, is logged, and its partitions then wait for its session timeout instead.
     */
    static void leave(Properties admin, String group, List<String> instanceIds, Duration timeout) {
        List<MemberToRemove> members = instanceIds.stream().map(MemberToRemove::new).toList();
        try (Admin client = Admin.create(admin)) {
            RemoveMembersFromConsumerGroupOptions options = new RemoveMembersFromConsumerGroupOptions(members);
            options.timeoutMs((int) timeout.toMillis());
            RemoveMembersFromConsumerGroupResult result = client.removeMembersFromConsumerGroup(group, options);
            List<String> left = new ArrayList<>();
            for (MemberToRemove member : members) {
                try {
                    result.memberResult(member).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    left.add(member.groupInstanceId());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownMemberIdException) {
                        LOG.info("{} was no member of group {} any more", member.groupInstanceId(), group);
                    } else {
                        LOG.warn("{} could not leave group {}: {}", member.groupInstanceId(), group, e.getCause());
                    }
                }
            }
            LOG.info("Left consumer group {}: {}", group, left);
        } catch (TimeoutException | RuntimeException e) {
            LOG.warn("Could not leave consumer group {} within {}: {}; its partitions wait for the session timeout",
                    group, timeout, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The admin client settings for a consumer configuration: its brokers and security, this deadline. */
    static Properties adminSettings(KafkaConfiguration consumer, Duration timeout) {
        Properties admin = new Properties();
        consumer.createConsumerProperties().forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key.toString())) {
                admin.put(key, value);
            }
        });
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, consumer.getBrokers());
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, consumer.getGroupId() + "-departure");
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        return admin;
    }
}
