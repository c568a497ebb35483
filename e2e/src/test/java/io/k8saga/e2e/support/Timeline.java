package io.k8saga.e2e.support;

import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

/** An order's saga timeline as GET /api/orders/{id}/timeline answers it. */
public record Timeline(String orderId, String status, List<Step> steps, List<String> unavailable) {

    /** One step: when, which service recorded it, what happened, and the detail line. */
    public record Step(Instant at, String service, String step, String detail) {
    }

    static Timeline from(JsonPath json) {
        List<Step> steps = IntStream.range(0, json.getList("steps").size())
                .mapToObj(i -> new Step(Instant.parse(json.getString("steps[" + i + "].at")),
                        json.getString("steps[" + i + "].service"), json.getString("steps[" + i + "].step"),
                        json.getString("steps[" + i + "].detail")))
                .toList();
        return new Timeline(json.getString("orderId"), json.getString("status"), steps,
                json.getList("unavailable", String.class));
    }

    /** What happened, step by step. */
    public List<String> kinds() {
        return steps.stream().map(Step::step).toList();
    }
}
