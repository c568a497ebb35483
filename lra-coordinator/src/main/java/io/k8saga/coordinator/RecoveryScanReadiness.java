package io.k8saga.coordinator;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until {@link RecoveryGate} has seen the first recovery scan after the start. */
@Readiness
@ApplicationScoped
public class RecoveryScanReadiness implements HealthCheck {

    private final RecoveryGate gate;

    RecoveryScanReadiness(RecoveryGate gate) {
        this.gate = gate;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("recovery-scan").status(gate.isOpen()).build();
    }
}
