package io.switchboard.chat;

import io.switchboard.engine.StaticContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web page's files, read once from the classpath folder {@code web/} and kept in memory with their gzip form
 * (the ones that exist: made-up paths are looked up each time, never remembered).
 *
 * <pre>{@code
 * StaticFiles files = new StaticFiles("web");
 * Optional<StaticFiles.File> page = files.get("/"); // web/index.html
 * }</pre>
 */
public final class StaticFiles {
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "ico", "image/x-icon",
      "json", "application/json");

  /** The longest path looked up; longer ones are missing. */
  private static final int MAX_PATH = 200;
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+");

  private final String root;
  private final ConcurrentHashMap<String, File> cache = new ConcurrentHashMap<>();

  /** One file: its bytes and content type, and its gzip form made once when it is loaded. */
  public record File(byte[] bytes, String contentType, StaticContent content) {
    File(byte[] bytes, String contentType) {
      this(bytes, contentType, StaticContent.of(bytes, contentType));
    }
  }

  public StaticFiles(String classpathRoot) {
    this.root = classpathRoot;
  }

  /** The file for a URL path ({@code /} is {@code index.html}); empty for a missing file or a path leaving the root. */
  public Optional<File> get(String path) {
    String p = path.equals("/") ? "/index.html" : path;
    if (p.length() > MAX_PATH || !PATH.matcher(p).matches() || p.contains("..")) {
      return Optional.empty();
    }
    File cached = cache.get(p);
    if (cached != null) {
      return Optional.of(cached);
    }
    String type = TYPES.get(p.substring(p.lastIndexOf('.') + 1));
    if (type == null) {
      return Optional.empty();
    }
    // only files that exist are kept: caching misses would let anyone grow the cache with made-up paths
    Optional<File> loaded = load(p, type);
    loaded.ifPresent(f -> cache.putIfAbsent(p, f));
    return loaded;
  }

  private Optional<File> load(String p, String type) {
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(root + p)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(new File(in.readAllBytes(), type));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
