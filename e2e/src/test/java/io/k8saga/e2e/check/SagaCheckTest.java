package io.k8saga.e2e.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The checker's guard against a token that would let it see only part of the orders. */
class SagaCheckTest {

    private static String jwt(String claims) {
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        return base64url.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64url.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @Test
    void acceptsAnAdminToken() {
        assertThat(SagaCheck.notAdminProblem(jwt("{\"sub\":\"admin\",\"groups\":[\"admin\"]}"))).isNull();
    }

    @Test
    void refusesACustomersToken() {
        assertThat(SagaCheck.notAdminProblem(jwt("{\"sub\":\"customer:c-1\",\"groups\":[\"customer\"],"
                + "\"customer_id\":\"c-1\"}")))
                .contains("[\"customer\"]", "not admin", "./saga token --admin");
    }

    @Test
    void leavesTokensItCannotReadToTheApi() {
        assertThat(SagaCheck.notAdminProblem("opaque-token")).isNull();
        assertThat(SagaCheck.notAdminProblem("a.%%%.c")).isNull();
        assertThat(SagaCheck.notAdminProblem(jwt("not json"))).isNull();
        assertThat(SagaCheck.notAdminProblem(jwt("{\"sub\":\"svc\",\"realm_access\":{\"roles\":[\"admin\"]}}")))
                .isNull();
    }
}
