package io.k8saga.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallerTest {

    private final Caller admin = Caller.admin("ops");
    private final Caller alice = Caller.customer("customer:alice", "alice");

    @Test
    void anAdministratorReachesEveryCustomer() {
        assertThat(admin.mayReach("alice")).isTrue();
        assertThat(admin.mayReach(null)).isTrue();
        admin.requireAdmin("Creating a customer");
        admin.requireReach("customerId", "bob");
    }

    @Test
    void aCustomerReachesItselfOnly() {
        assertThat(alice.mayReach("alice")).isTrue();
        assertThat(alice.mayReach("bob")).isFalse();
        // A record without customer (a payment tombstone, a row older than the column) is an administrator's.
        assertThat(alice.mayReach(null)).isFalse();
        assertThatThrownBy(() -> alice.requireReach("customerId", "bob"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.field()).isEqualTo("customerId");
                });
        assertThatThrownBy(() -> alice.requireAdmin("Creating a customer"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void idempotencyKeysOfTwoCallersNeverMeet() {
        assertThat(alice.idempotencyScope()).isNotEqualTo(Caller.customer("customer:bob", "bob").idempotencyScope())
                .isNotEqualTo(admin.idempotencyScope());
        // Every token of one customer shares its keys, whatever its subject.
        assertThat(alice.idempotencyScope()).isEqualTo(Caller.customer("another-login", "alice").idempotencyScope());
        // An admin named like a customer scope is still another scope.
        assertThat(Caller.admin("alice").idempotencyScope()).isNotEqualTo(alice.idempotencyScope());
    }
}
