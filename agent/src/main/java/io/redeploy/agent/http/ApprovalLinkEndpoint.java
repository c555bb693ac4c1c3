package io.redeploy.agent.http;

import io.redeploy.agent.log.Event;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/approve/link?token=...}, the signed link in the notification of a pending build. The token is the
 * credential (no bearer token: it is clicked from a chat or a mail). A GET changes nothing: it shows what the link
 * approves and a form that POSTs the same URL, so a link preview, a mail scanner or a prefetch cannot approve a
 * build. The POST needs no CSRF token: a forged one would have to know the token, which is the secret. Refusals (403
 * altered, 410 expired, 409 used or superseded, 404 links off) are an HTML page and one {@code action.refused} line;
 * the token is never logged.
 */
final class ApprovalLinkEndpoint {
    static final String PATH = "/v1/approve/link";
    private static final Logger log = LoggerFactory.getLogger(ApprovalLinkEndpoint.class);

    private final AgentControl control;

    ApprovalLinkEndpoint(AgentControl control) {
        this.control = control;
    }

    Map<String, Endpoint> byPath() {
        return Map.of(PATH, new Endpoint(Set.of("GET", "HEAD", "POST"), Set.of("token"), this::handle));
    }

    private Response handle(Request request) throws HttpProblem {
        String token = request.query().text("token").orElse("");
        try {
            if (request.method().equals("POST")) {
                AgentControl.Approved approved = control.approveLink(token);
                return page(
                        200,
                        "Approved",
                        "<p id=\"detail\">" + Html.text(approved.service()) + ": <code>" + Html.text(approved.digest())
                                + "</code> approved; it is being deployed.</p>");
            }
            AgentControl.LinkPreview preview = control.previewLink(token);
            return page(
                    200,
                    "Approve " + preview.service() + "?",
                    "<p id=\"detail\">Deploy <code>" + Html.text(preview.digest()) + "</code> to "
                            + Html.text(preview.service()) + " (waiting since " + Html.instant(preview.since())
                            + "; this link expires " + Html.instant(preview.expires()) + ").</p>"
                            + "<form method=\"post\" action=\"" + PATH + "?token=" + Html.text(token) + "\">"
                            + "<button type=\"submit\" id=\"approve\">Approve and deploy</button></form>");
        } catch (AgentControl.Refused refused) {
            Event.warn(log, "action.refused")
                    .with("path", PATH)
                    .with("service", "-")
                    .with("status", refused.status())
                    .reason(refused.getMessage())
                    .log();
            return page(
                    refused.status(), "Not approved", "<p id=\"detail\">" + Html.text(refused.getMessage()) + "</p>");
        } catch (IllegalStateException e) {
            return page(503, "Unavailable", "<p id=\"detail\">the agent cannot take it now</p>");
        }
    }

    private static Response page(int status, String title, String body) {
        StringBuilder out = new StringBuilder();
        StatusPage.head(out, title);
        out.append("<h1>").append(Html.text(title)).append("</h1>").append(body).append("</body></html>\n");
        return Response.html(status, out.toString(), PageEndpoints.SECURITY_HEADERS);
    }
}
