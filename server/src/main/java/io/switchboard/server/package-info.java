/**
 * The Socket.IO v5 server: {@link io.switchboard.server.Server}, namespaces, sockets, rooms, broadcasts,
 * acknowledgements, middlewares, connection state recovery, and the {@link io.switchboard.server.Adapter} SPI for
 * clustering.
 */
package io.switchboard.server;
