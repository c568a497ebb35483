package io.k8saga.common.lra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A signature holds for its LRA and order only, under any configured key; a key rotation keeps old ones valid. */
class CallbackSignaturesTest {

    private static final String LRA = "http://coordinator:8090/lra-coordinator/0_ffff7f000001_a1";
    private static final String OTHER_LRA = "http://coordinator:8090/lra-coordinator/0_ffff7f000001_a2";

    private final String oldKey = newKey();
    private final String newKey = newKey();

    @Test
    void aSignatureHoldsForItsLraAndOrderOnly() {
        CallbackSignatures signatures = new CallbackSignatures(List.of(newKey));
        String signature = signatures.sign(LRA, "order-1");

        assertThat(signatures.verify(LRA, "order-1", signature)).isTrue();
        assertThat(signatures.verify(OTHER_LRA, "order-1", signature)).isFalse();
        assertThat(signatures.verify(LRA, "order-2", signature)).isFalse();
        // Moving characters between the LRA id and the order id makes another signature.
        assertThat(signatures.verify(LRA + "o", "rder-1", signature)).isFalse();
        assertThat(signatures.verify(LRA, "order-1", null)).isFalse();
        assertThat(signatures.verify(LRA, "order-1", "not base64!")).isFalse();
        assertThat(signatures.verify(LRA, "order-1", "")).isFalse();
    }

    @Test
    void anotherKeyMakesAnotherSignature() {
        String signature = new CallbackSignatures(List.of(oldKey)).sign(LRA, "order-1");

        assertThat(new CallbackSignatures(List.of(newKey)).verify(LRA, "order-1", signature)).isFalse();
    }

    @Test
    void duringARotationTheFirstKeySignsAndBothVerify() {
        String signedBefore = new CallbackSignatures(List.of(oldKey)).sign(LRA, "order-1");
        CallbackSignatures rotating = new CallbackSignatures(List.of(newKey, oldKey));

        assertThat(rotating.verify(LRA, "order-1", signedBefore)).isTrue();
        String signedNow = rotating.sign(LRA, "order-1");
        assertThat(signedNow).isNotEqualTo(signedBefore);
        assertThat(new CallbackSignatures(List.of(newKey)).verify(LRA, "order-1", signedNow)).isTrue();
    }

    @Test
    void signaturesAreSafeInAUrl() {
        String signature = new CallbackSignatures(List.of(newKey)).sign(LRA, "order-1");

        assertThat(signature).matches("[A-Za-z0-9_-]{43}");
    }

    @Test
    void aShortKeyOrNoKeyOutsideDevAndTestStopsTheStart() {
        assertThatThrownBy(() -> new CallbackSignatures(List.of("too-short")))
                .hasMessageContaining("at least 32 characters");
        assertThatThrownBy(() -> new CallbackSignatures(Optional.empty(), false))
                .hasMessageContaining("SAGA_CALLBACK_KEYS");
        CallbackSignatures ephemeral = new CallbackSignatures(Optional.empty(), true);
        assertThat(ephemeral.verify(LRA, "order-1", ephemeral.sign(LRA, "order-1"))).isTrue();
    }

    private static String newKey() {
        byte[] key = new byte[36];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
