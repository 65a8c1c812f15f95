/**
 * The Socket.IO protocol v5 packet format: {@link io.switchboard.server.parser.PacketEncoder} and
 * {@link io.switchboard.server.parser.PacketDecoder}, pure code with no network types.
 */
package io.switchboard.server.parser;
