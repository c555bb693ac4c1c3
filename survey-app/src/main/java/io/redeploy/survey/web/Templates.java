package io.redeploy.survey.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/** Renders the jte templates compiled into the jar at build time (src/main/jte), HTML-escaped by default. */
public final class Templates {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    public void render(Context ctx, int status, String template, Map<String, Object> params) {
        StringOutput output = new StringOutput();
        engine.render(template, params, output);
        ctx.status(status).html(output.toString());
    }

    public void render(Context ctx, String template, Map<String, Object> params) {
        render(ctx, 200, template, params);
    }
}
