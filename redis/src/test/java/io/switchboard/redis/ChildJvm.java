package io.switchboard.redis;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A jar that runs a main class of this module's test classpath in a child JVM ({@code java -jar}), for
 * {@link io.switchboard.testkit.ServerProcess}: it holds only a manifest whose {@code Class-Path} names the test
 * classpath.
 *
 * <pre>{@code
 * Path jar = ChildJvm.jarFor(ClusterDemo.class);
 * try (ServerProcess p = ServerProcess.builder(jar).args("--port", "0", "--streams").start()) { p.kill(); }
 * }</pre>
 */
final class ChildJvm {
  private ChildJvm() {}

  static Path jarFor(Class<?> main) {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> urls = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
      }
    }
    Manifest m = new Manifest();
    Attributes a = m.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.put(Attributes.Name.MAIN_CLASS, main.getName());
    a.put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    try {
      Path dir = Files.createTempDirectory("switchboard-child-jvm-");
      dir.toFile().deleteOnExit();
      Path jar = dir.resolve(main.getSimpleName() + ".jar");
      try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
        j.flush();
      }
      jar.toFile().deleteOnExit();
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
