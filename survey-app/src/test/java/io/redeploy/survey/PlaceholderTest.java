package io.redeploy.survey;

import org.junit.jupiter.api.Test;

class PlaceholderTest {
    @Test
    void moduleBuilds() {}
}
