package io.redeploy.agent.it.compose;

import io.redeploy.agent.it.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real images of the survey stack in the local registry (scripts/dev-stack.sh's 127.0.0.1:5000), built from
 * Debian packages by the repository's scripts. A test asks for one; when the registry does not have it yet, the
 * script builds and pushes it, once per machine: a fresh CI machine pays the builds once (a debootstrap root for the
 * JRE base, the app's jar, PostgreSQL's files), later runs find them. To test a changed app, push it again with
 * {@code scripts/build-survey-image.sh --from-jar}.
 */
public final class LocalImages {
    public static final String SURVEY_APP = LocalStack.REGISTRY + "/survey/survey-app:main";
    /** The app, but its /health never answers on 8000 (scripts/build-survey-image.sh --variant unhealthy). */
    public static final String SURVEY_APP_UNHEALTHY = LocalStack.REGISTRY + "/survey/survey-app:main-unhealthy";

    public static final String POSTGRES = LocalStack.REGISTRY + "/survey/postgres:15";
    public static final String CADDY = LocalStack.REGISTRY + "/survey/caddy:2";
    /** A debootstrap of the JRE base image takes minutes on a loaded machine; the whole build gets this long. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(25);

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalImages() {}

    public static synchronized String surveyApp() {
        return ensure(SURVEY_APP, "scripts/build-survey-image.sh", "--from-jar", "main");
    }

    public static synchronized String surveyAppUnhealthy() {
        return ensure(
                SURVEY_APP_UNHEALTHY,
                "scripts/build-survey-image.sh",
                "--from-jar",
                "--variant",
                "unhealthy",
                "main-unhealthy");
    }

    public static synchronized String postgres() {
        return ensure(POSTGRES, "scripts/build-postgres-image.sh", POSTGRES);
    }

    public static synchronized String caddy() {
        return ensure(CADDY, "scripts/build-caddy-image.sh", CADDY);
    }

    /** {@code reference} when the registry has it; else runs {@code script args...} to build and push it first. */
    static String ensure(String reference, String script, String... args) {
        if (inRegistry(reference)) {
            return reference;
        }
        Path root = LocalStack.repoRoot();
        List<String> command =
                new ArrayList<>(List.of("bash", root.resolve(script).toString()));
        command.addAll(List.of(args));
        CommandResult built = Commands.run(root, BUILD_TIMEOUT, command.toArray(String[]::new));
        if (!built.succeeded() || !inRegistry(reference)) {
            throw new IllegalStateException("could not build " + reference + ": " + built);
        }
        return reference;
    }

    /** Whether the registry serves a manifest for {@code host:port/name:tag}. */
    static boolean inRegistry(String reference) {
        int slash = reference.indexOf('/');
        int colon = reference.lastIndexOf(':');
        String host = reference.substring(0, slash);
        String name = reference.substring(slash + 1, colon);
        String tag = reference.substring(colon + 1);
        HttpRequest head = HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + name + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header(
                        "Accept",
                        "application/vnd.docker.distribution.manifest.v2+json,"
                                + "application/vnd.oci.image.manifest.v1+json")
                .timeout(Duration.ofSeconds(5))
                .build();
        try {
            return HTTP.send(head, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            throw new IllegalStateException("registry " + host + " does not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
