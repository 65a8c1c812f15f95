package io.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.cluster.ClusterMessage;
import io.switchboard.server.cluster.ClusterMessageMapper;
import io.switchboard.server.cluster.ClusterMessageType;
import io.switchboard.server.cluster.ClusterResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A cluster adapter over an in-JVM bus: each message is serialized to JSON bytes and delivered, in order, on the
 * receiver's own thread, as a network backend would.
 *
 * <pre>{@code
 * InProcessClusterAdapter.Bus bus = new InProcessClusterAdapter.Bus();
 * ServerOptions.builder().adapter(nsp -> new InProcessClusterAdapter(nsp, bus)).build();
 * }</pre>
 */
final class InProcessClusterAdapter extends ClusterAdapter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The shared medium: members by namespace, plus members that are counted but never answer. */
  static final class Bus implements AutoCloseable {
    private final List<InProcessClusterAdapter> members = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> silent = new ConcurrentHashMap<>();

    int count(String nsp) {
      int n = silent.getOrDefault(nsp, 0);
      for (InProcessClusterAdapter m : members) {
        if (m.nsp.name().equals(nsp)) {
          n++;
        }
      }
      return n;
    }

    /** Adds a silent member to {@code nsp} that announces {@code uid}; the returned runnable removes it. */
    Runnable addSilent(String nsp, String uid) {
      silent.merge(nsp, 1, Integer::sum);
      byte[] hello = bytes(new ClusterMessageMapper(JSON).toTree(
          new ClusterMessage.Presence(uid, nsp, ClusterMessageType.HEARTBEAT)));
      for (InProcessClusterAdapter m : members) {
        if (m.nsp.name().equals(nsp)) {
          m.deliver(hello);
        }
      }
      return () -> silent.merge(nsp, -1, Integer::sum);
    }

    @Override
    public void close() {
      members.forEach(m -> m.inbox.shutdownNow());
    }
  }

  private final Bus bus;
  private final ExecutorService inbox = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "in-process-bus");
    t.setDaemon(true);
    return t;
  });

  InProcessClusterAdapter(Namespace nsp, Bus bus) {
    super(nsp, Duration.ofSeconds(5));
    this.bus = bus;
    bus.members.add(this);
  }

  @Override
  public CompletionStage<Integer> serverCount() {
    return CompletableFuture.completedFuture(bus.count(nsp.name()));
  }

  @Override
  protected CompletionStage<Void> doPublish(ClusterMessage message) {
    byte[] wire = bytes(mapper().toTree(message));
    for (InProcessClusterAdapter m : bus.members) {
      if (m != this && m.nsp.name().equals(nsp.name())) {
        m.deliver(wire);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  protected CompletionStage<Void> doPublishResponse(String requesterUid, ClusterResponse response) {
    byte[] wire = bytes(mapper().toTree(response));
    for (InProcessClusterAdapter m : bus.members) {
      if (m.uid().equals(requesterUid)) {
        m.deliver(wire);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  private void deliver(byte[] wire) {
    inbox.execute(() -> {
      try {
        JsonNode tree = JSON.readTree(wire);
        ClusterMessageType type = ClusterMessageMapper.typeOf(tree);
        if (type != null && type.isResponse()) {
          onResponse(mapper().readResponse(tree));
        } else {
          onMessage(mapper().readMessage(tree));
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Override
  public void close() {
    super.close();
    bus.members.remove(this);
  }

  private static byte[] bytes(JsonNode tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
