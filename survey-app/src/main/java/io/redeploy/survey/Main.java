package io.redeploy.survey;

import io.redeploy.survey.config.AppConfig;
import io.redeploy.survey.config.ConfigException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar survey-app.jar}: configuration comes from the environment only. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        AppConfig config;
        try {
            config = AppConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            log.error("event=config.invalid error=\"{}\"", e.getMessage());
            System.exit(2);
            return;
        }
        try {
            SurveyApp app = SurveyApp.start(config, Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
        } catch (RuntimeException e) {
            log.error("event=app.start_failed error=\"{}\"", e.getMessage());
            System.exit(1);
        }
    }
}
