package io.k8saga.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Drives the coordinators that SagaInfraResource started the way an initiator would: start, close, cancel. */
public final class LraClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LraClient() {
    }

    /** Starts an LRA with a one-minute time limit on the (first) coordinator and returns its id (a URL). */
    public static String start() {
        return start(SagaInfraResource.coordinatorUrl());
    }

    /** Starts an LRA with a one-minute time limit on the coordinator at {@code coordinatorUrl}; returns its id. */
    public static String start(String coordinatorUrl) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(coordinatorUrl
                        + "/lra-coordinator/start?ClientID=component-test&TimeLimit=60000"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        expect(201, response);
        return response.headers().firstValue("Location").orElseThrow();
    }

    public static void close(String lraId) {
        expect(200, send(HttpRequest.newBuilder(URI.create(lraId + "/close"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build()));
    }

    public static void cancel(String lraId) {
        expect(200, send(HttpRequest.newBuilder(URI.create(lraId + "/cancel"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build()));
    }

    /** True while the coordinator still knows the LRA; a finished LRA answers 404. */
    public static boolean isActive(String lraId) {
        int status = send(HttpRequest.newBuilder(URI.create(lraId + "/status")).GET().build()).statusCode();
        return status == 200;
    }

    private static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri()
                    + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("coordinator unreachable: " + request.uri(), e);
        }
    }
}
