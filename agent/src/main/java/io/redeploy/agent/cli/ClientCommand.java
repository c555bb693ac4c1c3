package io.redeploy.agent.cli;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One of {@code status}, {@code history}, {@code trigger}, {@code rollback}, {@code hold}, {@code release},
 * {@code approve}: a request to
 * the local agent, its answer as a table or a line ({@code --json}: the body as the agent sent it). Exit codes: 0 done,
 * 2 usage, 3 the agent does not answer, 4 the agent refused (4xx, its reason printed), 1 anything else.
 */
@Command(mixinStandardHelpOptions = true, description = "Asks the local agent (see docs/operations.md#cli).")
public final class ClientCommand implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_OTHER = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNREACHABLE = 3;
    public static final int EXIT_REFUSED = 4;
    /** The actions, in the order {@code --help} lists them. */
    public static final List<String> ACTIONS =
            List.of("status", "history", "trigger", "rollback", "hold", "release", "approve");

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    @Option(
            names = "--service",
            paramLabel = "S",
            description = "The service (required by rollback, hold, release, approve).")
    String service;

    @Option(names = "--to", paramLabel = "D", description = "rollback: the digest to put back (default: the previous).")
    String to;

    @Option(
            names = "--digest",
            paramLabel = "D",
            description = "approve: the digest waiting for approval (default: whatever waits; name it to be sure).")
    String digest;

    @Option(names = "--reason", paramLabel = "R", description = "rollback, hold: why (shown in /status and history).")
    String reason;

    @Option(names = "--json", description = "Print the agent's JSON answer as it is.")
    boolean json;

    @Option(names = "--url", paramLabel = "URL", description = "The agent's endpoint (default: from --config).")
    String url;

    @Option(
            names = "--config",
            paramLabel = "PATH",
            defaultValue = "/etc/redeploy-agent/agent.yml",
            description = "The agent's config, for http.listen and the token (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
            names = "--env-file",
            paramLabel = "PATH",
            defaultValue = "/etc/redeploy-agent/agent.env",
            description = "The systemd unit's EnvironmentFile, for the token (default: ${DEFAULT-VALUE}).")
    Path envFile;

    @Option(names = "--limit", paramLabel = "N", description = "history: records per page (default 50).")
    Integer limit;

    @Option(names = "--since", paramLabel = "WHEN", description = "history: from this instant or date on.")
    String since;

    @Option(names = "--cursor", paramLabel = "C", description = "history: the page after the one that printed it.")
    String cursor;

    @Option(names = "--retry-failed", description = "trigger: forget failed digests first.")
    boolean retryFailed;

    private final String action;
    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    public ClientCommand(String action, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("unknown action " + action);
        }
        this.action = action;
        this.environment = Map.copyOf(environment);
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (service == null && List.of("rollback", "hold", "release", "approve").contains(action)) {
            err.println(action + ": --service is required");
            return EXIT_USAGE;
        }
        Endpoint endpoint;
        try {
            endpoint = Endpoint.find(Optional.ofNullable(url), config, envFile, environment);
        } catch (Endpoint.UsageException e) {
            err.println(action + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        AgentClient.Answer answer;
        try {
            AgentClient client = new AgentClient(endpoint);
            String path = path();
            answer = action.equals("status") || action.equals("history") ? client.get(path) : client.post(path);
        } catch (AgentClient.UnreachableException e) {
            err.println(action + ": " + e.getMessage());
            return EXIT_UNREACHABLE;
        }
        if (!answer.ok()) {
            return refused(answer, endpoint);
        }
        if (json) {
            out.println(answer.text().strip());
        } else if (action.equals("status")) {
            Views.status(answer.json(), out);
        } else if (action.equals("history")) {
            Views.history(answer.json(), out);
        } else {
            Views.action(action, answer.json(), out);
        }
        return EXIT_OK;
    }

    private int refused(AgentClient.Answer answer, Endpoint endpoint) {
        String detail = answer.json()
                .path("detail")
                .asText(answer.json().path("message").asText(answer.text()));
        String title =
                answer.json().path("title").asText(answer.json().path("error").asText(""));
        if (json) {
            out.println(answer.text().strip());
        }
        err.println(action + ": refused (" + answer.status() + (title.isEmpty() ? "" : " " + title) + "): "
                + detail.strip());
        if (answer.status() == 401 && endpoint.token().isEmpty()) {
            err.println(action + ": no token: " + endpoint.tokenSource());
        }
        return answer.status() / 100 == 4 ? EXIT_REFUSED : EXIT_OTHER;
    }

    private String path() {
        List<String> query = new ArrayList<>();
        add(query, "service", service);
        switch (action) {
            case "status" -> {
                return "/status" + join(query);
            }
            case "history" -> {
                add(query, "since", since);
                add(query, "limit", limit == null ? null : String.valueOf(limit));
                add(query, "cursor", cursor);
                return "/v1/history" + join(query);
            }
            case "trigger" -> {
                if (retryFailed) {
                    query.add("retry_failed=true");
                }
                return "/v1/update" + join(query);
            }
            default -> {
                if (action.equals("rollback")) {
                    add(query, "to", to);
                }
                if (action.equals("approve")) {
                    add(query, "digest", digest);
                }
                if (!action.equals("release") && !action.equals("approve")) {
                    add(query, "reason", reason);
                }
                add(query, "by", user().orElse(null));
                return "/v1/" + action + join(query);
            }
        }
    }

    /** Who acts, as the agent records it: the user behind sudo, else the one running this. */
    private Optional<String> user() {
        for (String candidate :
                new String[] {environment.get("SUDO_USER"), environment.get("USER"), System.getProperty("user.name")}) {
            if (candidate != null && USER.matcher(candidate).matches()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void add(List<String> query, String name, String value) {
        if (value != null) {
            query.add(name + "="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        }
    }

    private static String join(List<String> query) {
        return query.isEmpty() ? "" : "?" + String.join("&", query);
    }
}
