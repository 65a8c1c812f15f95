package io.switchboard.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The root of the Switchboard checkout, found by walking up from the working directory (a module directory when
 * Maven runs the tests) to the folder that holds {@code interop/package.json}.
 *
 * <pre>{@code
 * Path scripts = RepositoryRoot.find().resolve("interop/scripts");
 * }</pre>
 *
 * <p>The system property {@code switchboard.root} overrides the search.
 */
public final class RepositoryRoot {
  private RepositoryRoot() {}

  /** The repository root; throws {@link IllegalStateException} if none is found above the working directory. */
  public static Path find() {
    String override = System.getProperty("switchboard.root");
    if (override != null && !override.isBlank()) {
      return Path.of(override).toAbsolutePath().normalize();
    }
    Path start = Path.of("").toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("interop/package.json")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no Switchboard checkout (a folder with pom.xml and interop/package.json) above "
        + start + "; set -Dswitchboard.root=<path>");
  }
}
