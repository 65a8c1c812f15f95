package io.switchboard.testkit;

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
 * A jar that runs a main class of the running test's classpath in a child JVM ({@code java -jar}), for
 * {@link ServerProcess} when the module has no jar of its own yet (tests run before {@code package}): it holds only a
 * manifest whose {@code Class-Path} names the test classpath.
 *
 * <pre>{@code
 * Path jar = ClasspathJar.forMain(ClusterDemo.class);
 * try (ServerProcess p = ServerProcess.builder(jar).args("--port", "0", "--streams").start()) {
 *   p.kill();
 * }
 * }</pre>
 */
public final class ClasspathJar {
  private ClasspathJar() {}

  /** A jar in a temporary folder (deleted at exit) whose main class is {@code main}. */
  public static Path forMain(Class<?> main) {
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
