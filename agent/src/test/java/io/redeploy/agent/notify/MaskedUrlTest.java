package io.redeploy.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskedUrlTest {
    @Test
    void slackTokensAreHidden() {
        assertThat(MaskedUrl.of("https://hooks.slack.com/services/T0123/B0456/abcdefSECRET"))
                .isEqualTo("https://hooks.slack.com/services/****");
    }

    @Test
    void queryStringsUserInfoAndTokenLikeSegmentsAreHidden() {
        assertThat(MaskedUrl.of("https://ops.example.com/hook?token=SECRET"))
                .isEqualTo("https://ops.example.com/hook/****");
        assertThat(MaskedUrl.of("https://user:pw@ops.example.com/")).isEqualTo("https://ops.example.com/****");
        assertThat(MaskedUrl.of("https://discord.com/8f3a9c0e1b")).isEqualTo("https://discord.com/****");
        assertThat(MaskedUrl.of("http://127.0.0.1:9000/redeploy")).isEqualTo("http://127.0.0.1:9000/redeploy");
    }

    @Test
    void somethingThatIsNotAUrlIsHiddenWhole() {
        assertThat(MaskedUrl.of("not a url SECRET")).isEqualTo("****");
    }
}
