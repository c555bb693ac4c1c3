package io.redeploy.survey.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser-like client over java.net.http: keeps cookies by hand (so tests can read their flags),
 * never follows redirects, and fills in the CSRF field of forms unless told not to.
 */
public final class WebClient {
    private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Map<String, String> setCookieHeaders = new LinkedHashMap<>();
    private final Map<String, String> planted = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    public WebClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    public HttpResponse<String> get(String path, String bearer) {
        return send(request(path).header("Authorization", "Bearer " + bearer).GET());
    }

    /** Posts a form with the CSRF token of the cookie jar (what our pages render in the hidden field). */
    public HttpResponse<String> postForm(String path, String... pairs) {
        List<String> withCsrf = new ArrayList<>(List.of(pairs));
        if (csrfCookie() == null) {
            get("/login");
        }
        withCsrf.add("_csrf");
        withCsrf.add(csrfCookie());
        return postFormRaw(path, withCsrf.toArray(String[]::new));
    }

    /** The CSRF cookie's value, under its {@code __Host-} name when the app runs with secure cookies. */
    public String csrfCookie() {
        String secure = cookie("__Host-survey_csrf");
        return secure != null ? secure : cookie("survey_csrf");
    }

    /**
     * A cookie that someone else set for this host, e.g. a sibling subdomain with {@code Domain=example.com} or a
     * man in the middle on plain HTTP; sent first, as browsers do for a cookie with a longer path.
     */
    public WebClient plantCookie(String name, String value) {
        planted.put(name, value);
        return this;
    }

    /** A header sent with every request of this client, e.g. the X-Forwarded-For a reverse proxy adds. */
    public WebClient withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Posts a form exactly as given: no CSRF field added. */
    public HttpResponse<String> postFormRaw(String path, String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return send(request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    public HttpResponse<String> postJson(String path, String json, String bearer) {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b);
    }

    public HttpResponse<String> send(String method, String path, String contentType, String body, String bearer) {
        HttpRequest.Builder b = request(path)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b);
    }

    public String cookie(String name) {
        return cookies.get(name);
    }

    /** The last Set-Cookie header received for this cookie, flags included. */
    public String setCookieHeader(String name) {
        return setCookieHeaders.get(name);
    }

    public void dropCookie(String name) {
        cookies.remove(name);
    }

    public static String hiddenCsrf(String html) {
        Matcher m = HIDDEN_CSRF.matcher(html);
        return m.find() ? m.group(1) : null;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        if (!cookies.isEmpty() || !planted.isEmpty()) {
            StringBuilder header = new StringBuilder();
            for (Map<String, String> jar : List.of(planted, cookies)) {
                jar.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ")
                        .append(k)
                        .append('=')
                        .append(v));
            }
            b.header("Cookie", header.toString());
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            for (String header : response.headers().allValues("Set-Cookie")) {
                String pair = header.split(";", 2)[0];
                String[] kv = pair.split("=", 2);
                setCookieHeaders.put(kv[0], header);
                if (header.contains("Max-Age=0") || kv.length < 2 || kv[1].isEmpty()) {
                    cookies.remove(kv[0]);
                } else {
                    cookies.put(kv[0], kv[1]);
                }
            }
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
