/**
 * The one way to write an operator-facing event line ({@code Event}: {@code event=<name> key=value ...}, quoted once).
 * Imports only {@code image}.
 */
package io.redeploy.agent.log;
