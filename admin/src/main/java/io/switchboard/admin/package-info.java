/**
 * The server side of the official Socket.IO Admin UI ({@code @socket.io/admin-ui} 0.5.1) and the UI's built files:
 * {@link io.switchboard.admin.AdminUi#instrument} with {@link io.switchboard.admin.AdminUiOptions}.
 *
 * <pre>{@code
 * AdminUi admin = AdminUi.instrument(io, AdminUiOptions.builder().auth("ops", bcryptHash).build());
 * }</pre>
 */
package io.switchboard.admin;
