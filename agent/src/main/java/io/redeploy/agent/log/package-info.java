/**
 * The one way to write an operator-facing event line ({@code Event}: {@code event=<name> key=value ...}, quoted once),
 * and the one way to hide known secrets in text that leaves the agent ({@code Redactor}).
 * Imports only {@code image}.
 */
package io.redeploy.agent.log;
