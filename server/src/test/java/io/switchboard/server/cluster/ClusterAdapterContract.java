package io.switchboard.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.AdapterFactory;
import io.switchboard.server.Args;
import io.switchboard.server.BroadcastOptions;
import io.switchboard.server.ClusterAdapter;
import io.switchboard.server.RemoteSocket;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import io.switchboard.testkit.Await;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every cluster adapter must have, across three real servers with real clients: a backend test extends
 * this class and says how to make the adapter factory of each server.
 *
 * <pre>{@code
 * class MyBackendClusterTest extends ClusterAdapterContract {
 *   protected AdapterFactory adapterFactory(String cluster, int index) { return MyAdapter.factory(cluster); }
 * }
 * }</pre>
 */
public abstract class ClusterAdapterContract {
  protected static final Duration WAIT = Duration.ofSeconds(20);

  /** The adapter factory of server {@code index} (0, 1, 2) of the cluster named {@code cluster}. */
  protected abstract AdapterFactory adapterFactory(String cluster, int index);

  /**
   * Adds a member to the cluster that the server count includes but that never answers a request, and returns its
   * uid if the other servers can know it (else {@code null}). Closing the result removes it.
   */
  protected abstract SilentNode addSilentNode(String cluster);

  /** The options of each server before its adapter is set; override to turn on features such as recovery. */
  protected ServerOptions.Builder serverOptions() {
    return ServerOptions.builder();
  }

  /** Releases what the factories of {@code cluster} hold. */
  protected void closeCluster(String cluster) {}

  /** A member that never answers. */
  public interface SilentNode extends AutoCloseable {
    /** Its uid, if the servers can learn it, else {@code null}. */
    String uid();

    @Override
    void close();
  }

  protected String cluster;
  protected final List<Server> servers = new ArrayList<>();
  private final List<ClusterClient> clients = new ArrayList<>();
  private final BlockingQueue<String> serverSideEvents = new LinkedBlockingQueue<>();

  @BeforeEach
  void startCluster() {
    cluster = "contract-" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 3; i++) {
      int index = i;
      Server io = new Server(serverOptions().adapter(adapterFactory(cluster, i)).build());
      io.onConnection(socket -> {
        Object rooms = socket.handshake().auth().get("rooms");
        if (rooms instanceof String r && !r.isEmpty()) {
          socket.join(r.split(","));
        }
        socket.data(Map.of("name", String.valueOf(socket.handshake().auth().get("name")), "server", index));
        socket.on("shout", (args, ack) -> {
          socket.broadcast().emit("shout", args.toArray());
          ack.send("done");
        });
        socket.emit("joined");
      });
      io.onServerSideEmit("whoami", (args, ack) -> ack.send("server-" + index + ":" + args.string(0)));
      io.onServerSideEmit("note", (args, ack) -> serverSideEvents.add(index + ":" + args.node(0)));
      io.listen(new InetSocketAddress("127.0.0.1", 0));
      servers.add(io);
    }
    awaitServerCount(3);
  }

  @AfterEach
  void stopCluster() {
    clients.forEach(ClusterClient::close);
    servers.forEach(Server::close);
    closeCluster(cluster);
  }

  // ---- helpers ----

  protected Server server(int i) {
    return servers.get(i);
  }

  protected ClusterAdapter adapter(int i) {
    return (ClusterAdapter) server(i).sockets().adapter();
  }

  protected ClusterClient client(int server, String name, String rooms) {
    ClusterClient c = ClusterClient.connect("http://127.0.0.1:" + server(server).port(), name, rooms, WAIT);
    clients.add(c);
    return c;
  }

  protected void awaitServerCount(int n) {
    for (int i = 0; i < servers.size(); i++) {
      int index = i;
      Await.until("server " + i + " counts " + n + " servers", WAIT,
          () -> server(index).sockets().adapter().serverCount().toCompletableFuture().join() == n);
    }
  }

  protected static <T> T get(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Every server broadcasts a sync marker; returns, for each client, the events it got before all three markers, as
   * "event:arg0". Packets travel in order on each path, so an extra copy of any earlier broadcast would show here.
   */
  protected Map<String, List<String>> drain(ClusterClient... of) {
    String token = UUID.randomUUID().toString();
    for (Server s : servers) {
      s.emit("sync", token);
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ClusterClient c : of) {
      List<ClusterClient.Event> got = c.until(list -> list.stream()
          .filter(e -> e.name().equals("sync") && token.equals(e.args().get(0))).count() == servers.size(), WAIT);
      out.put(c.name(), got.stream()
          .filter(e -> !e.name().equals("sync"))
          .map(e -> e.name() + ":" + (e.args().isEmpty() ? "" : ClusterClient.text(e.args().get(0))))
          .collect(Collectors.toList()));
    }
    return out;
  }

  // ---- the contract ----

  @Test
  void everyServerCountsThree() {
    for (int i = 0; i < 3; i++) {
      assertThat(get(server(i).sockets().adapter().serverCount())).isEqualTo(3);
    }
  }

  @Test
  void broadcastFromAnyServerReachesEveryClientExactlyOnce() {
    ClusterClient a = client(0, "a", "");
    ClusterClient b = client(1, "b", "");
    ClusterClient c = client(2, "c", "");
    for (int i = 0; i < 3; i++) {
      server(i).emit("hello", "from-" + i);
    }
    Map<String, List<String>> got = drain(a, b, c);
    for (List<String> events : got.values()) {
      assertThat(events).containsExactlyInAnyOrder("hello:from-0", "hello:from-1", "hello:from-2");
    }
  }

  @Test
  void roomsAndExceptSelectExactlyTheRightClients() {
    ClusterClient a = client(0, "a", "r");
    ClusterClient b = client(1, "b", "r,x");
    ClusterClient c = client(2, "c", "r");
    ClusterClient d = client(2, "d", "");
    ClusterClient e = client(1, "e", "q");
    server(0).to("r").except("x").emit("news", 1);
    server(2).to("r", "q").emit("multi", 2);
    server(1).to("q").emit("single", 3);
    server(2).except("r").emit("outside", 4);
    assertThat(b.emitWithAck(WAIT, "shout", "from-b")).isEqualTo("done");
    Map<String, List<String>> got = drain(a, b, c, d, e);
    assertThat(got.get("a")).containsExactlyInAnyOrder("news:1", "multi:2", "shout:from-b");
    assertThat(got.get("b")).containsExactlyInAnyOrder("multi:2");
    assertThat(got.get("c")).containsExactlyInAnyOrder("news:1", "multi:2", "shout:from-b");
    assertThat(got.get("d")).containsExactlyInAnyOrder("outside:4", "shout:from-b");
    assertThat(got.get("e")).containsExactlyInAnyOrder("multi:2", "single:3", "outside:4", "shout:from-b");
  }

  @Test
  void socketIdRoomsReachOneClientOnAnotherServer() {
    ClusterClient a = client(0, "a", "");
    ClusterClient b = client(1, "b", "");
    server(0).to(b.id()).emit("private", "for-b");
    Map<String, List<String>> got = drain(a, b);
    assertThat(got.get("a")).isEmpty();
    assertThat(got.get("b")).containsExactly("private:for-b");
  }

  @Test
  void localBroadcastsStayOnTheirServer() {
    ClusterClient a = client(0, "a", "");
    ClusterClient b = client(1, "b", "");
    server(0).local().emit("here", 0);
    Map<String, List<String>> got = drain(a, b);
    assertThat(got.get("a")).containsExactly("here:0");
    assertThat(got.get("b")).isEmpty();
  }

  @Test
  void fetchSocketsSeesEveryServer() {
    ClusterClient a = client(0, "a", "r");
    ClusterClient b = client(1, "b", "r,x");
    ClusterClient c = client(2, "c", "r");
    client(2, "d", "");
    List<RemoteSocket> found = get(server(1).in("r").except("x").fetchSockets());
    assertThat(found).extracting(RemoteSocket::id).containsExactlyInAnyOrder(a.id(), c.id());
    RemoteSocket remoteC = found.stream().filter(s -> s.id().equals(c.id())).findFirst().orElseThrow();
    assertThat(remoteC.rooms()).contains("r", c.id());
    assertThat(remoteC.handshake().auth()).containsEntry("name", "c");
    assertThat(String.valueOf(remoteC.data())).contains("\"name\":\"c\"").contains("\"server\":2");
    assertThat(get(server(0).fetchSockets())).hasSize(4);

    remoteC.emit("direct", "to-c");
    Map<String, List<String>> got = drain(a, b, c);
    assertThat(got.get("c")).containsExactly("direct:to-c");
    assertThat(got.get("a")).isEmpty();
  }

  @Test
  void socketsJoinAndLeaveAcrossServers() {
    ClusterClient a = client(0, "a", "r");
    ClusterClient b = client(1, "b", "r,x");
    ClusterClient c = client(2, "c", "r");
    ClusterClient d = client(2, "d", "");
    server(0).in("r").socketsJoin("j");
    Await.until("three sockets in j", WAIT, () -> get(server(1).in("j").fetchSockets()).size() == 3);
    server(1).to("j").emit("jj", 1);
    Map<String, List<String>> got = drain(a, b, c, d);
    assertThat(got.get("a")).containsExactly("jj:1");
    assertThat(got.get("b")).containsExactly("jj:1");
    assertThat(got.get("c")).containsExactly("jj:1");
    assertThat(got.get("d")).isEmpty();

    server(2).in("j").except("x").socketsLeave("j");
    Await.until("only b in j", WAIT, () -> get(server(0).in("j").fetchSockets()).size() == 1);
    server(0).to("j").emit("after", 2);
    got = drain(a, b, c, d);
    assertThat(got.get("b")).containsExactly("after:2");
    assertThat(got.get("a")).isEmpty();
    assertThat(got.get("c")).isEmpty();
  }

  @Test
  void disconnectSocketsAcrossServers() {
    ClusterClient a = client(0, "a", "r");
    ClusterClient b = client(1, "b", "r,x");
    ClusterClient c = client(2, "c", "r");
    ClusterClient d = client(2, "d", "");
    server(1).in("r").except("x").disconnectSockets(true);
    assertThat(a.until(l -> !l.isEmpty() && l.get(l.size() - 1).name().equals("$disconnect"), WAIT)).isNotEmpty();
    assertThat(c.until(l -> !l.isEmpty() && l.get(l.size() - 1).name().equals("$disconnect"), WAIT)).isNotEmpty();
    Await.until("two sockets left", WAIT, () -> get(server(0).fetchSockets()).size() == 2);
    assertThat(b.connected()).isTrue();
    assertThat(d.connected()).isTrue();
  }

  @Test
  void serverSideEmitReachesTheOtherServersOnly() throws Exception {
    server(1).serverSideEmit("note", 7);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String e = serverSideEvents.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(e).as("server-side event %d", i).isNotNull();
      got.add(e);
    }
    assertThat(got).containsExactlyInAnyOrder("0:7", "2:7");
    assertThat(serverSideEvents.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void serverSideEmitWithAckCollectsOneAnswerPerServer() {
    List<Args> answers = get(server(0).serverSideEmitWithAck(Duration.ofSeconds(10), "whoami", "q"));
    assertThat(answers).extracting(a -> a.string(0)).containsExactlyInAnyOrder("server-1:q", "server-2:q");
  }

  @Test
  void broadcastAcksComeFromClientsOnEveryServer() {
    client(0, "a", "r");
    client(1, "b", "r");
    client(2, "c", "");
    client(2, "d", "r");
    List<Args> all = get(server(1).timeout(Duration.ofSeconds(10)).emitWithAck("question"));
    assertThat(all).extracting(a -> a.string(0))
        .containsExactlyInAnyOrder("answer-a", "answer-b", "answer-c", "answer-d");
    List<Args> room = get(server(2).to("r").timeout(Duration.ofSeconds(10)).emitWithAck("question"));
    assertThat(room).extracting(a -> a.string(0)).containsExactlyInAnyOrder("answer-a", "answer-b", "answer-d");
  }

  @Test
  void requestsToSilentServersCompleteWithWhatArrived() {
    client(0, "a", "");
    client(1, "b", "");
    client(2, "c", "");
    try (SilentNode silent = addSilentNode(cluster)) {
      awaitServerCount(4);
      BroadcastOptions quick = new BroadcastOptions(Set.of(), Set.of(),
          io.switchboard.server.BroadcastFlags.DEFAULT.withTimeout(Duration.ofMillis(1500)));
      long start = System.nanoTime();
      ClusterReplies<SocketDetails> fetched = get(adapter(0).fetchSocketsFromCluster(quick));
      assertThat(fetched.values()).hasSize(3);
      assertThat(fetched.expected()).isEqualTo(3);
      assertThat(fetched.received()).isEqualTo(2);
      assertThat(fetched.missing()).isEqualTo(1);
      assertThat(fetched.complete()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      if (silent.uid() != null) {
        assertThat(fetched.silentNodes()).containsExactly(silent.uid());
      }
      ClusterReplies<Args> acks = get(adapter(1).serverSideEmitToCluster(Duration.ofMillis(1500), "whoami", "z"));
      assertThat(acks.values()).extracting(x -> x.string(0)).containsExactlyInAnyOrder("server-0:z", "server-2:z");
      assertThat(acks.missing()).isEqualTo(1);
      // the plain API completes normally with the partial answers too
      assertThat(get(server(2).sockets().adapter().fetchSockets(quick))).hasSize(3);
    }
  }
}
