package io.k8saga.payment.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;

/** The simulated provider's settings ({@code payment.*} in application.properties). */
@ConfigMapping(prefix = "payment")
public interface PaymentConfig {

    /** Largest amount that is authorized; anything above is declined. */
    @WithDefault("10000")
    BigDecimal maxAmount();
}
