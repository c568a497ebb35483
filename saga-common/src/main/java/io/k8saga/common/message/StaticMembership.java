package io.k8saga.common.message;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The static group membership ids (Kafka's {@code group.instance.id}, KIP-345) of one process's consumers:
 * {@code <instance>-<topic>-<n>}, n from 1 to the consumers of the topic. A consumer that restarts under its old id
 * takes its old place in the group at once, with no rebalance and no wait for its dead predecessor's session.
 *
 * <p>The instance is the process's name among its service's replicas, the same after a restart and different from
 * every other replica (the pod name in Kubernetes). The topic is part of the id because a service's consumers of all
 * its topics share one group. Two live consumers with one id fence each other, so no two consumers of a process may
 * share one: Camel 4.9 gives every consumer of an endpoint with {@code consumersCount > 1} the endpoint's id
 * (CAMEL-27022), which is why each consumer gets an endpoint of its own.
 */
public final class StaticMembership {

    /** Kafka's own rule for a group instance id: at most 249 of these characters. */
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private StaticMembership() {
    }

    /**
     * The ids of the {@code consumers} consumers of {@code topic} in the process named {@code instance}.
     *
     * @throws IllegalArgumentException naming saga.instance-id when an id would not be a legal group instance id
     */
    public static List<String> instanceIds(String instance, String topic, int consumers) {
        if (consumers < 1) {
            throw new IllegalArgumentException("saga.events.consumers must be at least 1, not " + consumers);
        }
        List<String> ids = IntStream.rangeClosed(1, consumers).mapToObj(n -> instance + "-" + topic + "-" + n).toList();
        for (String id : ids) {
            if (!LEGAL.matcher(id).matches()) {
                throw new IllegalArgumentException("saga.instance-id (SAGA_INSTANCE_ID) '" + instance + "' makes the"
                        + " group instance id '" + id + "', which Kafka refuses: at most 249 characters of"
                        + " a-z, A-Z, 0-9, '.', '_' and '-'");
            }
        }
        return ids;
    }
}
