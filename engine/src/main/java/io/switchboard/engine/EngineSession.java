package io.switchboard.engine;

abstract class EngineSession implements EngineSocket {
  abstract void closeNow(CloseReason reason, String description);
}
