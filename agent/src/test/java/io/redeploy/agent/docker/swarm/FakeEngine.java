package io.redeploy.agent.docker.swarm;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A {@link DockerHttpClient} that records every request and answers from a queue (or throws, as a lost engine). */
final class FakeEngine implements DockerHttpClient {
    record Answer(int status, String body) {}

    final List<Request> requests = new ArrayList<>();
    private final List<Answer> answers = new ArrayList<>();
    private RuntimeException failure;

    FakeEngine answer(int status, String body) {
        answers.add(new Answer(status, body));
        return this;
    }

    FakeEngine failWith(RuntimeException e) {
        failure = e;
        return this;
    }

    Request last() {
        return requests.get(requests.size() - 1);
    }

    String lastBody() {
        return new String(last().bodyBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public Response execute(Request request) {
        requests.add(request);
        if (failure != null) {
            throw failure;
        }
        Answer a = answers.remove(0);
        return new Response() {
            @Override
            public int getStatusCode() {
                return a.status();
            }

            @Override
            public Map<String, List<String>> getHeaders() {
                return Map.of();
            }

            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(a.body().getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {}
}
