package io.switchboard.server;

import io.switchboard.server.cluster.ClusterAdapterContract;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The cluster adapter contract over the in-process bus. */
class InProcessClusterTest extends ClusterAdapterContract {
  private final Map<String, InProcessClusterAdapter.Bus> buses = new ConcurrentHashMap<>();

  @Override
  protected AdapterFactory adapterFactory(String cluster, int index) {
    InProcessClusterAdapter.Bus bus = buses.computeIfAbsent(cluster, k -> new InProcessClusterAdapter.Bus());
    return nsp -> new InProcessClusterAdapter(nsp, bus);
  }

  @Override
  protected SilentNode addSilentNode(String cluster) {
    String uid = "silent-" + cluster;
    Runnable remove = buses.get(cluster).addSilent("/", uid);
    return new SilentNode() {
      @Override
      public String uid() {
        return uid;
      }

      @Override
      public void close() {
        remove.run();
      }
    };
  }

  @Override
  protected void closeCluster(String cluster) {
    InProcessClusterAdapter.Bus bus = buses.remove(cluster);
    if (bus != null) {
      bus.close();
    }
  }
}
