package io.switchboard.engine.ws;

/**
 * What a {@link WebSocketEndpoint} refused or closed since it started.
 *
 * <pre>{@code
 * WebSocketStats s = endpoint.stats();
 * metrics.gauge("ws.slow_consumers", s.slowConsumers());
 * }</pre>
 *
 * @param refusedUpgrades upgrade requests answered with an HTTP error (bad request, origin, authenticator, closed)
 * @param closedForInput  connections closed for their input (1002, 1007, 1008, 1009, 1013)
 * @param slowConsumers   connections closed with 1008 because too much was queued for them
 * @param pingTimeouts    connections dropped because they stayed silent after a ping
 */
public record WebSocketStats(long refusedUpgrades, long closedForInput, long slowConsumers, long pingTimeouts) {}
