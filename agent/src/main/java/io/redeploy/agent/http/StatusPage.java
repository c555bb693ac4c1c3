package io.redeploy.agent.http;

import io.redeploy.agent.state.Approval;
import io.redeploy.agent.state.AuditRecord;
import io.redeploy.agent.state.DeployRecord;
import io.redeploy.agent.state.Hold;
import io.redeploy.agent.state.ServiceState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTML of {@code GET /}: one section per service (digests, image, last deploy, held or pending, a timeline of
 * recent deploys) and, for a signed-in operator, the action forms. A pure function of its inputs; every value from
 * outside goes through {@link Html#text}. No script at all: the page works with forms and redirects only.
 */
final class StatusPage {
    private static final String STYLE = "body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}"
            + "section{border:1px solid #ddd;border-radius:6px;padding:.8em 1em;margin:1em 0}"
            + "h2{margin:.1em 0 .4em;font-size:1.2em}dl{display:grid;grid-template-columns:10em 1fr;gap:.2em 1em;margin:0}"
            + "dt{color:#666}dd{margin:0}code{font-size:13px}.held{color:#ef6c00;font-weight:bold}"
            + ".pending{color:#1565c0;font-weight:bold}form.inline{display:inline;margin-right:.4em}"
            + "button{padding:.25em .8em}.muted{color:#777}";

    /** What the page shows; {@code csrf} is present only for a signed-in operator. */
    record View(
            List<ServiceState> services,
            Map<String, List<AuditRecord>> history,
            Optional<Instant> lastPoll,
            Optional<Instant> nextPoll,
            Instant now,
            boolean signInOffered,
            Optional<String> csrf) {}

    private StatusPage() {}

    static String render(View view) {
        StringBuilder out = new StringBuilder(4096);
        head(out, "redeploy-agent status");
        out.append("<h1>redeploy-agent</h1><p class=\"muted\">page generated ")
                .append(Html.instant(view.now()))
                .append(" · last poll ")
                .append(view.lastPoll().map(Html::instant).orElse("not yet"))
                .append(" · next poll ")
                .append(view.nextPoll().map(Html::instant).orElse("none scheduled"))
                .append("</p>");
        operatorBar(out, view);
        for (ServiceState service : view.services()) {
            section(out, service, view.history().getOrDefault(service.service(), List.of()), view.csrf());
        }
        if (view.services().isEmpty()) {
            out.append("<p>No services are configured.</p>");
        }
        return out.append("</body></html>\n").toString();
    }

    /** A short page for a refusal (wrong token, a refused action): the reason and a link back. */
    static String message(String title, String detail) {
        StringBuilder out = new StringBuilder();
        head(out, title);
        out.append("<h1>")
                .append(Html.text(title))
                .append("</h1><p id=\"detail\">")
                .append(Html.text(detail))
                .append("</p><p><a href=\"/\">Back to the status page</a></p></body></html>\n");
        return out.toString();
    }

    static void head(StringBuilder out, String title) {
        out.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width\"><title>")
                .append(Html.text(title))
                .append("</title><style>")
                .append(STYLE)
                .append("</style></head><body>");
    }

    private static void operatorBar(StringBuilder out, View view) {
        if (view.csrf().isPresent()) {
            out.append("<p id=\"operator\">Signed in as operator. ");
            form(out, "/ui/signout", view.csrf().get(), "", "signout", "", "Sign out");
            form(out, "/ui/action", view.csrf().get(), "", "trigger", "trigger-all", "Poll all now");
            out.append("</p>");
        } else if (view.signInOffered()) {
            out.append("<form id=\"signin\" method=\"post\" action=\"/ui/signin\">")
                    .append("<label>Trigger token <input type=\"password\" name=\"token\" id=\"token\" ")
                    .append("autocomplete=\"current-password\" required></label> ")
                    .append("<button type=\"submit\" id=\"signin-button\">Sign in</button></form>");
        } else {
            out.append("<p class=\"muted\">Read only: no trigger token is configured.</p>");
        }
    }

    private static void section(StringBuilder out, ServiceState s, List<AuditRecord> history, Optional<String> csrf) {
        String name = Html.text(s.service());
        out.append("<section id=\"service-").append(name).append("\"><h2>").append(name);
        if (s.hold().isPresent()) {
            out.append(" <span class=\"held\" id=\"held-").append(name).append("\">held</span>");
        }
        boolean pending = s.registryDigest().isPresent() && !s.registryDigest().equals(s.runningDigest());
        boolean awaiting = s.approval().filter(a -> !a.approved()).isPresent();
        if (awaiting) {
            out.append(" <span class=\"pending\" id=\"awaiting-").append(name).append("\">awaiting approval</span>");
        } else if (pending) {
            out.append(" <span class=\"pending\">update pending</span>");
        }
        out.append("</h2><dl>");
        row(out, "image", "<code>" + Html.text(s.image().isEmpty() ? "-" : s.image()) + "</code>");
        row(out, "running", "<code>" + Html.shortDigest(s.runningDigest().orElse(null)) + "</code>");
        row(out, "registry", "<code>" + Html.shortDigest(s.registryDigest().orElse(null)) + "</code>");
        row(
                out,
                "last check",
                s.lastCheck()
                        .map(c -> Html.text(c.result()) + " at " + Html.instant(c.at()))
                        .orElse("-"));
        row(out, "last deploy", s.lastDeploy().map(StatusPage::deploy).orElse("none yet"));
        s.hold().ifPresent(hold -> row(out, "hold", hold(hold)));
        s.approval().ifPresent(approval -> row(out, "approval", approval(approval)));
        out.append("<dt>recent deploys</dt><dd>")
                .append(DeployTimeline.svg(history))
                .append("</dd></dl>");
        csrf.ifPresent(token -> actions(out, s, token));
        out.append("</section>");
    }

    private static String deploy(DeployRecord d) {
        return "<span class=\"outcome\" style=\"color:" + DeployTimeline.colour(d.outcome()) + "\">"
                + Html.text(d.outcome()) + "</span> " + Html.instant(d.at()) + " <code>"
                + Html.shortDigest(d.to()) + "</code>"
                + (d.reason().isEmpty() ? "" : " <span class=\"reason\">" + Html.text(d.reason()) + "</span>");
    }

    private static String hold(Hold hold) {
        return "by " + Html.text(hold.by()) + " since " + Html.instant(hold.since())
                + (hold.reason().isEmpty() ? "" : ": <span class=\"reason\">" + Html.text(hold.reason()) + "</span>");
    }

    private static String approval(Approval approval) {
        return "<code>" + Html.shortDigest(approval.digest()) + "</code> "
                + (approval.approved()
                        ? "approved by " + Html.text(approval.approvedBy().orElseThrow()) + " at "
                                + Html.instant(approval.approvedAt().orElseThrow())
                        : "waits for approval since " + Html.instant(approval.since()));
    }

    private static void row(StringBuilder out, String label, String html) {
        out.append("<dt>").append(label).append("</dt><dd>").append(html).append("</dd>");
    }

    private static void actions(StringBuilder out, ServiceState s, String csrf) {
        String name = s.service();
        out.append("<p class=\"actions\">");
        form(out, "/ui/action", csrf, name, "trigger", "trigger-" + name, "Poll now");
        if (s.hold().isPresent()) {
            form(out, "/ui/action", csrf, name, "release", "release-" + name, "Release");
        } else {
            form(out, "/ui/action", csrf, name, "hold", "hold-" + name, "Hold");
        }
        form(out, "/ui/action", csrf, name, "rollback", "rollback-" + name, "Roll back");
        s.approval().filter(a -> !a.approved()).ifPresent(a -> approveForm(out, csrf, name, a.digest()));
        out.append("</p>");
    }

    /** Names the digest it approves: a newer build found after the page was drawn is not approved by this button. */
    private static void approveForm(StringBuilder out, String csrf, String service, String digest) {
        out.append("<form class=\"inline\" method=\"post\" action=\"/ui/action\">")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"")
                .append(Html.text(csrf))
                .append("\"><input type=\"hidden\" name=\"service\" value=\"")
                .append(Html.text(service))
                .append("\"><input type=\"hidden\" name=\"action\" value=\"approve\">")
                .append("<input type=\"hidden\" name=\"digest\" value=\"")
                .append(Html.text(digest))
                .append("\"><button type=\"submit\" id=\"approve-")
                .append(Html.text(service))
                .append("\">Approve ")
                .append(Html.shortDigest(digest))
                .append("</button></form>");
    }

    private static void form(
            StringBuilder out, String path, String csrf, String service, String action, String id, String label) {
        out.append("<form class=\"inline\" method=\"post\" action=\"")
                .append(path)
                .append("\"><input type=\"hidden\" name=\"csrf\" value=\"")
                .append(Html.text(csrf))
                .append("\">");
        if (!service.isEmpty()) {
            out.append("<input type=\"hidden\" name=\"service\" value=\"")
                    .append(Html.text(service))
                    .append("\">");
        }
        if (!path.equals("/ui/signout")) {
            out.append("<input type=\"hidden\" name=\"action\" value=\"")
                    .append(Html.text(action))
                    .append("\">");
        }
        out.append("<button type=\"submit\"");
        if (!id.isEmpty()) {
            out.append(" id=\"").append(Html.text(id)).append("\"");
        }
        out.append(">").append(Html.text(label)).append("</button></form>");
    }
}
