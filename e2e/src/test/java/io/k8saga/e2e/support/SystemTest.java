package io.k8saga.e2e.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a system test class: it runs against the application under test (the local stack, started once for the
 * whole run, or {@code -De2e.baseUrl}) and may take {@link PublicApi} or {@link SagaStack} constructor parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("e2e")
@ExtendWith(SagaStackExtension.class)
public @interface SystemTest {
}
