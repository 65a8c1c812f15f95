package io.switchboard.server;

import io.switchboard.server.cluster.AckListener;
import io.switchboard.server.cluster.SocketDetails;
import io.switchboard.server.parser.Packet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * A family of dynamic namespaces, created on demand for names that match a pattern or a predicate; its middlewares and
 * connection handlers apply to every child, and its broadcasts reach every child.
 *
 * <pre>{@code
 * ParentNamespace workspaces = io.of(Pattern.compile("^/workspace-\\d+$"));
 * workspaces.onConnection(socket -> socket.emit("hello", socket.namespace().name()));
 * workspaces.emit("maintenance", "in 5 minutes");     // every /workspace-N namespace
 * }</pre>
 */
public final class ParentNamespace extends Namespace {
  private final NamespacePredicate predicate;
  private final Set<Namespace> children = ConcurrentHashMap.newKeySet();

  ParentNamespace(Server server, String name, NamespacePredicate predicate) {
    super(server, name, null, ParentBroadcastAdapter::new);
    this.predicate = predicate;
  }

  /** {@return the child namespaces created so far} */
  public Set<Namespace> children() {
    return Set.copyOf(children);
  }

  boolean accepts(String childName, java.util.Map<String, Object> auth) throws Exception {
    return predicate.test(childName, auth);
  }

  Namespace createChild(String childName) {
    Namespace child = new Namespace(server(), childName, this, server()::createAdapter);
    child.adapter().init();
    children.add(child);
    return child;
  }

  void removeChild(Namespace child) {
    children.remove(child);
  }

  /** The adapter of a parent: it holds no socket and forwards broadcasts to the children's adapters. */
  private static final class ParentBroadcastAdapter implements Adapter {
    private final ParentNamespace parent;

    ParentBroadcastAdapter(Namespace parent) {
      this.parent = (ParentNamespace) parent;
    }

    private static Packet retarget(Packet p, Namespace child) {
      return new Packet(p.type(), child.name(), p.data(), p.id());
    }

    @Override
    public void addAll(String id, Set<String> rooms) {}

    @Override
    public void del(String id, String room) {}

    @Override
    public void delAll(String id) {}

    @Override
    public void broadcast(Packet packet, BroadcastOptions opts) {
      for (Namespace child : parent.children) {
        child.adapter().broadcast(retarget(packet, child), opts);
      }
    }

    @Override
    public void broadcastWithAck(Packet packet, BroadcastOptions opts, IntConsumer clientCount, AckListener ack) {
      int[] total = {0};
      for (Namespace child : parent.children) {
        child.adapter().broadcastWithAck(retarget(packet, child), opts, n -> total[0] += n, ack);
      }
      clientCount.accept(total[0]);
    }

    @Override
    public Set<String> sockets(Set<String> rooms) {
      Set<String> out = new LinkedHashSet<>();
      parent.children.forEach(c -> out.addAll(c.adapter().sockets(rooms)));
      return out;
    }

    @Override
    public Set<String> socketRooms(String id) {
      return Set.of();
    }

    @Override
    public Set<String> rooms() {
      Set<String> out = new LinkedHashSet<>();
      parent.children.forEach(c -> out.addAll(c.adapter().rooms()));
      return out;
    }

    @Override
    public CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions opts) {
      List<SocketDetails> out = new ArrayList<>();
      CompletableFuture<?>[] all = parent.children.stream()
          .map(c -> c.adapter().fetchSockets(opts).thenAccept(l -> {
            synchronized (out) {
              out.addAll(l);
            }
          }).toCompletableFuture())
          .toArray(CompletableFuture[]::new);
      return CompletableFuture.allOf(all).thenApply(v -> out);
    }

    @Override
    public void addSockets(BroadcastOptions opts, Set<String> rooms) {
      parent.children.forEach(c -> c.adapter().addSockets(opts, rooms));
    }

    @Override
    public void delSockets(BroadcastOptions opts, Set<String> rooms) {
      parent.children.forEach(c -> c.adapter().delSockets(opts, rooms));
    }

    @Override
    public void disconnectSockets(BroadcastOptions opts, boolean close) {
      parent.children.forEach(c -> c.adapter().disconnectSockets(opts, close));
    }
  }
}
