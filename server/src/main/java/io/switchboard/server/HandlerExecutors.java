package io.switchboard.server;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes the default executor for handlers: virtual threads where the JVM has them, else cached daemon threads. */
final class HandlerExecutors {
  private static final Logger log = LoggerFactory.getLogger(HandlerExecutors.class);

  private HandlerExecutors() {}

  static ExecutorService newDefault() {
    try {
      Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      ExecutorService es = (ExecutorService) m.invoke(null);
      log.debug("handlers run on virtual threads");
      return es;
    } catch (ReflectiveOperationException e) {
      AtomicInteger n = new AtomicInteger();
      ThreadFactory tf = r -> {
        Thread t = new Thread(r, "switchboard-handler-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      log.debug("handlers run on a cached thread pool");
      return Executors.newCachedThreadPool(tf);
    }
  }
}
