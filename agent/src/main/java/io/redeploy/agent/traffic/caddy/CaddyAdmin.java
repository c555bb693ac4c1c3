package io.redeploy.agent.traffic.caddy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A client of Caddy's admin API (tested against Debian's Caddy 2.6.2), limited to the route the agent owns per service
 * ({@link CaddyRoute}). Every failure is a {@link CaddyAdminException} naming the admin URL, the call and the route;
 * redirects are never followed and nothing is retried here (the agent's next poll is the retry).
 *
 * <p>What Caddy guarantees, read from its source (v2.6.2: {@code caddy.go changeConfig}, {@code admin.go}) and checked
 * by the ITs:
 *
 * <ul>
 *   <li><b>Every change is atomic and whole.</b> Each {@code POST/PUT/PATCH/DELETE} under {@code /config/} or
 *       {@code /id/} is applied to a copy of the config, which Caddy then loads as a whole new config (all apps
 *       provisioned again, listeners handed over, the old config stopped). If loading fails, Caddy keeps running the
 *       old config and answers the error (status 500 with {@code {"error": "loading new config: ..."}} in 2.6.2, not
 *       400). Changes are serialized by a lock. So one {@code PATCH /id/redeploy-<service>} switches a route
 *       atomically; two services are two changes.
 *   <li><b>Every change is a full reload.</b> Requests already running finish on the old config (the old servers are
 *       shut down with an unbounded grace period), but connections hijacked by {@code reverse_proxy} (WebSockets,
 *       any {@code Upgrade}) of <em>every</em> route are closed when the old config is cleaned up: 2.6.2 sends a
 *       WebSocket close frame (1001 going away) and closes both sides. {@code stream_close_delay} only arrived in
 *       2.7. The old servers also close their idle keep-alive client connections: a client that sends its next
 *       request on one at that moment gets the connection closed without an answer (measured: 17-19 of ~300 requests
 *       over 20 switches for a client that never retries; none for clients that retry such a request on a new
 *       connection, as browsers and OkHttp do by default). Hence a change is written only when the wanted route
 *       differs from Caddy's.
 *   <li><b>Restarts and reloads.</b> A change through the API is autosaved to
 *       {@code $XDG_CONFIG_HOME/caddy/autosave.json} (unless {@code admin.config.persist} is false). Debian's
 *       {@code caddy-api.service} runs {@code caddy run --resume}, which loads that file: the route survives a
 *       restart. Debian's default {@code caddy.service} runs {@code caddy run --config /etc/caddy/Caddyfile} and
 *       reloads with {@code caddy reload --config /etc/caddy/Caddyfile --force}: both replace the whole config with
 *       the Caddyfile's, so the route is gone until the agent re-creates it ({@link CaddySwitch#ensure()}, called
 *       every poll). Running request counts are in-memory and restart at zero.
 *   <li><b>IDs.</b> {@code /id/<id>} addresses the object with that {@code @id} wherever it is; an unknown id is 404
 *       ({@code unknown object ID}). Caddy 2.6.2 does not refuse a duplicate {@code @id}, so an insertion is guarded
 *       with {@code If-Match} on the server's config hash (Caddy answers 412 when it changed in between).
 *   <li><b>Counts.</b> {@code GET /reverse_proxy/upstreams} lists every upstream address of the running config with
 *       its running requests ({@code num_requests}, WebSockets included for their whole life); counts are per address,
 *       shared by all routes dialing it.
 *   <li>The admin API refuses (403) a {@code Host} header other than its listen address; OkHttp sends that one.
 * </ul>
 */
public final class CaddyAdmin {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_ERROR_CHARS = 500;

    private final HttpUrl adminUrl;
    private final OkHttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    CaddyAdmin(HttpUrl adminUrl, OkHttpClient http) {
        this.adminUrl = adminUrl;
        this.http = http;
    }

    /**
     * A client of the admin API at {@code adminUrl} (e.g. {@code http://127.0.0.1:2019}); {@code callTimeout} bounds a
     * whole call, a config change included (Caddy answers once the new config runs).
     */
    public static CaddyAdmin create(URI adminUrl, Duration connectTimeout, Duration callTimeout) {
        HttpUrl url = HttpUrl.get(adminUrl.toString());
        OkHttpClient http = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(connectTimeout)
                .readTimeout(callTimeout)
                .writeTimeout(callTimeout)
                .callTimeout(callTimeout)
                .build();
        return new CaddyAdmin(url, http);
    }

    /** The admin API's base URL, as named in every failure. */
    public String adminUrl() {
        HttpUrl root = adminUrl.newBuilder().encodedPath("/").build();
        return root.toString().replaceAll("/$", "");
    }

    /** A cheap liveness check: the admin API answers (and has its reverse proxy module); throws otherwise. */
    public void ping() {
        call(get("/reverse_proxy/upstreams"), null, false);
    }

    /** The route as Caddy runs it; empty when Caddy's config has no object with the route's {@code @id}. */
    public Optional<JsonNode> route(CaddyRoute route) {
        Answer answer = call(get("/id/" + route.id()), route, true);
        return answer.status == 404 ? Optional.empty() : Optional.of(answer.json(route));
    }

    /** The route's upstream dial addresses, current target first; empty when the route is missing. */
    public Optional<List<String>> upstreamDials(CaddyRoute route) {
        return route(route).map(CaddyRoute::dials);
    }

    /**
     * Replaces the whole route (matcher, handler and {@code upstreams}, the first one receiving every new request) in
     * one atomic config change ({@code PATCH /id/<id>}). Returns false, changing nothing, when the route is missing.
     */
    public boolean replaceRoute(CaddyRoute route, List<UpstreamTarget> upstreams) {
        Answer answer = call(send("PATCH", "/id/" + route.id(), route.json(upstreams), null), route, true);
        return answer.status != 404;
    }

    /**
     * Inserts the route at the front of its server's routes, in one config change guarded by the server's config hash.
     * Fails when the server does not exist or changed in between (412).
     */
    public void insertRoute(CaddyRoute route, List<UpstreamTarget> upstreams) {
        String serverPath = "/config/apps/http/servers/" + route.server();
        Answer server = call(get(serverPath), route, false);
        JsonNode config = server.json(route);
        if (!config.isObject()) {
            throw new CaddyAdminException(
                    prefix("GET", serverPath, route) + "Caddy has no HTTP server '" + route.server() + "' (servers: "
                            + serverNames() + ")",
                    server.status,
                    null);
        }
        JsonNode routes = config.path("routes");
        Request insert = routes.isArray()
                ? send("PUT", serverPath + "/routes/0", route.json(upstreams), server.etag)
                : send("PUT", serverPath + "/routes", json.createArrayNode().add(route.json(upstreams)), server.etag);
        call(insert, route, false);
    }

    /** Running requests per upstream dial address, over every route of the running config. */
    public Map<String, Integer> inFlightRequests() {
        Answer answer = call(get("/reverse_proxy/upstreams"), null, false);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (JsonNode upstream : answer.json(null)) {
            counts.merge(
                    upstream.path("address").asText(),
                    upstream.path("num_requests").asInt(),
                    Integer::sum);
        }
        return counts;
    }

    private String serverNames() {
        try {
            List<String> names = new ArrayList<>();
            call(get("/config/apps/http/servers"), null, false)
                    .json(null)
                    .fieldNames()
                    .forEachRemaining(names::add);
            return names.isEmpty() ? "none" : String.join(", ", names);
        } catch (CaddyAdminException e) {
            return "unknown";
        }
    }

    private Request get(String path) {
        return new Request.Builder().url(url(path)).get().build();
    }

    private Request send(String method, String path, JsonNode body, String ifMatch) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Request.Builder request = new Request.Builder().url(url(path)).method(method, RequestBody.create(bytes, JSON));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return request.build();
    }

    private HttpUrl url(String path) {
        return adminUrl.newBuilder().encodedPath(path).build();
    }

    /**
     * Runs the call; 2xx (and 404 when {@code missingIsAnswer}: an unknown {@code @id}) are answers, anything else a
     * {@link CaddyAdminException}.
     */
    private Answer call(Request request, CaddyRoute route, boolean missingIsAnswer) {
        String path = request.url().encodedPath();
        try (Response response = http.newCall(request).execute()) {
            String body = response.body().string();
            String etag = response.header("Etag");
            if (etag == null) {
                etag = response.trailers().get("Etag"); // Caddy sends a config's hash as a trailer
            }
            int status = response.code();
            if (response.isSuccessful() || (missingIsAnswer && status == 404)) {
                return new Answer(request.method(), path, status, body, etag);
            }
            String reason = response.isRedirect()
                    ? "redirected to " + response.header("Location") + " (not followed)"
                    : errorOf(body);
            throw new CaddyAdminException(
                    prefix(request.method(), path, route) + "refused with HTTP " + status + ": " + reason,
                    status,
                    null);
        } catch (IOException e) {
            throw new CaddyAdminException(
                    prefix(request.method(), path, route) + "no answer: "
                            + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    0,
                    e);
        }
    }

    private String prefix(String method, String path, CaddyRoute route) {
        return "caddy admin " + adminUrl() + ": " + method + " " + path
                + (route == null ? "" : " (route " + route.id() + ", service " + route.service() + ")") + ": ";
    }

    private String errorOf(String body) {
        String text = body;
        try {
            JsonNode error = json.readTree(body).path("error");
            if (error.isTextual()) {
                text = error.asText();
            }
        } catch (IOException | RuntimeException e) {
            // not Caddy's JSON error: the raw body, shortened
        }
        text = text.strip();
        return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) + "..." : text;
    }

    private final class Answer {
        final String method;
        final String path;
        final int status;
        final String body;
        final String etag;

        Answer(String method, String path, int status, String body, String etag) {
            this.method = method;
            this.path = path;
            this.status = status;
            this.body = body;
            this.etag = etag;
        }

        JsonNode json(CaddyRoute route) {
            try {
                return json.readTree(body);
            } catch (IOException e) {
                throw new CaddyAdminException(
                        prefix(method, path, route) + "unreadable answer (HTTP " + status + "): " + e.getMessage(),
                        status,
                        e);
            }
        }
    }
}
