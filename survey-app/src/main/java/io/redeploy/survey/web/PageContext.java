package io.redeploy.survey.web;

/**
 * What every page's layout needs.
 *
 * @param userEmail the signed-in surveyor, or null for respondents and visitors
 * @param csrf      the token every form posts back in its {@code _csrf} field
 */
public record PageContext(String title, String userEmail, String csrf) {
    public boolean signedIn() {
        return userEmail != null;
    }
}
