package io.switchboard.engine;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pipeline handler that only serves plain HTTP requests and is removed when the connection upgrades to WebSocket:
 * the {@link HttpServer} takes every such handler out of the pipeline when it sees the {@code 101 Switching Protocols}
 * response go out, so that a long-lived WebSocket carries no handler it will never use.
 *
 * <pre>{@code
 * final class HealthCheck extends ChannelInboundHandlerAdapter implements HttpPhaseHandler {
 *   // answers GET /health, passes everything else on
 * }
 * HttpServer.start(new InetSocketAddress(3000), p -> {
 *   p.addLast(new HealthCheck());
 *   io.configure(p);
 * });
 * }</pre>
 *
 * <p>A handler marked so must not expect to see anything of the connection after the upgrade response (not even the
 * rest of the upgrade request), nor keep state that has to be released then: its {@code handlerRemoved} is its last
 * call.
 */
public interface HttpPhaseHandler extends ChannelHandler {

  /**
   * Removes every {@link HttpPhaseHandler} from a pipeline; the {@link HttpServer} calls it when a connection
   * upgrades. On the channel's event loop.
   *
   * @param pipeline the pipeline of the upgrading connection
   */
  static void removeAll(ChannelPipeline pipeline) {
    List<ChannelHandler> found = null;
    for (Map.Entry<String, ChannelHandler> e : pipeline) {
      if (e.getValue() instanceof HttpPhaseHandler) {
        if (found == null) {
          found = new ArrayList<>(4);
        }
        found.add(e.getValue());
      }
    }
    if (found != null) {
      for (ChannelHandler h : found) {
        if (pipeline.context(h) != null) {
          pipeline.remove(h);
        }
      }
    }
  }
}
