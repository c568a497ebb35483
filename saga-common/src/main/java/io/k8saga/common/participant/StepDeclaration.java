package io.k8saga.common.participant;

import java.util.Objects;

/**
 * The names a {@link SagaStep} runs under: its route ({@code direct:<step>}, which joins the saga), its compensation
 * and completion routes, the topic whose events ask for it and their type, and the topic its outcome events go to.
 * Topics may be property placeholders ({@code {{saga.topics.orders}}}). Route names are verb-noun, like the step's
 * {@code reserveCredit}, compensated by {@code releaseCredit}, completed by {@code confirmCredit}.
 */
public record StepDeclaration<T>(String step, String compensation, String completion, String consumedTopic,
        Class<T> eventType, String outcomeTopic) {

    public StepDeclaration {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(compensation, "compensation");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(consumedTopic, "consumedTopic");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(outcomeTopic, "outcomeTopic");
    }
}
