package io.redeploy.survey.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.redeploy.survey.support.WebClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A bug (an unexpected exception) gives a generic 500 page or JSON error: no trace, no detail. */
class ErrorHandlersTest {
    private static Javalin server;

    @BeforeAll
    static void start() {
        server = Javalin.create(config -> {
                    config.startup.showJavalinBanner = false;
                    config.routes.get("/boom", ctx -> {
                        throw new IllegalStateException("secret internal detail");
                    });
                    config.routes.get("/api/boom", ctx -> {
                        throw new IllegalStateException("secret internal detail");
                    });
                    new ErrorHandlers(new Templates()).register(config.routes);
                })
                .start(0);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void pagesGetAGenericErrorPage() {
        HttpResponse<String> r = new WebClient("http://127.0.0.1:" + server.port()).get("/boom");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body())
                .contains("Something went wrong")
                .doesNotContain("secret internal detail")
                .doesNotContain("IllegalStateException");
    }

    @Test
    void apiGetsAGenericJsonError() {
        HttpResponse<String> r = new WebClient("http://127.0.0.1:" + server.port()).get("/api/boom");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("{\"error\":\"The error has been logged. Please try again later.\"}");
    }
}
