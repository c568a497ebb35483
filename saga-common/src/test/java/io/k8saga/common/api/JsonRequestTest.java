package io.k8saga.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonRequestTest {

    private static final String JSON = "application/json";

    @ParameterizedTest
    @ValueSource(strings = {"1", "0.01", "10.5", "10.50", "999999999.99", "1000000000", "1e2"})
    void acceptsMoneyWithinRange(String amount) {
        BigDecimal value = JsonRequest.parse("{\"amount\": " + amount + "}").requiredMoney("amount", false);

        assertThat(value).isEqualByComparingTo(new BigDecimal(amount));
        assertThat(value.scale()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"amount\": 0}                | greater than 0",
            "{\"amount\": -1}               | greater than 0",
            "{\"amount\": 1000000000.01}    | at most 1000000000",
            "{\"amount\": 1.001}            | at most 2 decimals",
            "{\"amount\": \"12\"}           | must be a JSON number",
            "{\"amount\": true}             | must be a JSON number",
            "{}                             | is required",
            "{\"amount\": null}             | is required"})
    void refusesBadMoneyNamingTheField(String body, String expected) {
        assertThatThrownBy(() -> JsonRequest.parse(body).requiredMoney("amount", false))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.field()).isEqualTo("amount");
                    assertThat(e.getMessage()).contains(expected);
                });
    }

    @Test
    void zeroIsAllowedWhenAsked() {
        assertThat(JsonRequest.parse("{\"limit\": 0}").requiredMoney("limit", true)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "[1]", "\"text\"", "{} {}", "null"})
    void refusesBodiesThatAreNotOneJsonObject(String body) {
        assertThatThrownBy(() -> JsonRequest.parse(body))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo("body"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=ISO-8859-1", "application/json;charset=\"UTF-16\"",
            "application/problem+json; charset=windows-1252", "application/json; charset="})
    void refusesACharsetOtherThanUtf8NamingTheContentType(String contentType) {
        assertThatThrownBy(() -> JsonRequest.parse(contentType, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(415);
                    assertThat(e.field()).isEqualTo("Content-Type");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=UTF-8", "Application/JSON;charset=\"utf-8\"",
            "application/merge-patch+json; charset=utf-8"})
    void acceptsJsonInUtf8(String contentType) {
        assertThat(JsonRequest.parse(contentType, "{}".getBytes(StandardCharsets.UTF_8))).isNotNull();
    }

    @Test
    void refusesInvalidUtf8InsteadOfReplacingIt() {
        byte[] body = {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> JsonRequest.parse(JSON, body))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.field()).isEqualTo("body");
                    assertThat(e.getMessage()).contains("UTF-8");
                });
    }

    @Test
    void refusesAMissingContentType() {
        assertThatThrownBy(() -> JsonRequest.parse(null, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(415));
    }

    @Test
    void refusesAFieldGivenTwice() {
        assertThatThrownBy(() -> JsonRequest.parse("{\"amount\": 10, \"amount\": 20}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.field()).isEqualTo("body");
                    assertThat(e.getMessage()).contains("duplicate field 'amount'");
                });
    }

    @Test
    void refusesNestingBeyondTheParsersLimitAsBadInput() {
        String deep = "{\"x\": " + "[".repeat(3000) + "]".repeat(3000) + "}";

        assertThatThrownBy(() -> JsonRequest.parse(deep))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.field()).isEqualTo("body");
                    assertThat(e.getMessage()).contains("limits");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", "application/jsonx"})
    void refusesOtherContentTypesWith415(String contentType) {
        assertThatThrownBy(() -> JsonRequest.parse(contentType, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(415));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=UTF-8", "application/merge-patch+json"})
    void acceptsJsonContentTypes(String contentType) {
        assertThat(JsonRequest.parse(contentType, "{}".getBytes(StandardCharsets.UTF_8))).isNotNull();
    }

    @Test
    void textFieldsAreCheckedForTypeLengthAndPattern() {
        JsonRequest request = JsonRequest.parse("{\"name\": 5, \"long\": \"abcdef\", \"id\": \"a b\", \"empty\": \"\"}");

        assertThatThrownBy(() -> request.requiredText("name", 10)).hasMessageContaining("must be a string");
        assertThatThrownBy(() -> request.requiredText("long", 5)).hasMessageContaining("1 to 5 characters");
        assertThatThrownBy(() -> request.requiredText("empty", 5)).hasMessageContaining("1 to 5 characters");
        assertThatThrownBy(() -> request.optionalMatching("id", Pattern.compile("[a-z]+"), "letters"))
                .hasMessage("id: must be letters");
        assertThat(request.optionalText("absent", 5)).isEmpty();
    }
}
