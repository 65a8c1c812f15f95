package io.switchboard.engine;

import io.netty.channel.ChannelInboundHandlerAdapter;

final class EngineHandler extends ChannelInboundHandlerAdapter {
  EngineHandler(EngineServer server) {}
}
