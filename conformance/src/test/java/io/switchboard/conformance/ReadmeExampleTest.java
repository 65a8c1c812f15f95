package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.switchboard.testkit.RepositoryRoot;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java examples in README.md compile against the current modules, and the chat example works as pasted: the
 * official Java client joins a room, says something, and hears it back.
 */
class ReadmeExampleTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern PUBLIC_CLASS = Pattern.compile("public\\s+(?:final\\s+)?class\\s+(\\w+)");

  private static List<String> javaBlocks() throws IOException {
    String readme = Files.readString(RepositoryRoot.find().resolve("README.md"), StandardCharsets.UTF_8);
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  private static String className(String source) {
    Matcher type = PUBLIC_CLASS.matcher(source);
    assertThat(type.find()).as("the example declares a public class").isTrue();
    return type.group(1);
  }

  private static void compile(String source, Path out) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className(source) + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      boolean ok = javac.getTask(null, files, diagnostics,
          List.of("-classpath", classpath, "-d", out.toString(), "-proc:none"), null, List.of(file)).call();
      assertThat(ok).as("README example %s compiles: %s", className(source), diagnostics.getDiagnostics()).isTrue();
    }
  }

  @Test
  void everyJavaExampleCompiles(@TempDir Path out) throws IOException {
    List<String> blocks = javaBlocks();
    assertThat(blocks).as("README.md has Java examples").hasSizeGreaterThanOrEqualTo(2);
    for (String block : blocks) {
      compile(block, out);
    }
  }

  @Test
  void theChatExampleWorksWithTheOfficialJavaClient(@TempDir Path out) throws Exception {
    String chat = javaBlocks().stream().filter(b -> b.contains("io.switchboard.server.Server")).findFirst()
        .orElseThrow(() -> new AssertionError("README.md has no Socket.IO example"));
    assertThat(chat).contains("io.listen(3000)");
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    compile(chat.replace("io.listen(3000)", "io.listen(" + port + ")"), out);
    // the loader stays open: the running example loads its classes lazily
    URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader());
    loader.loadClass(className(chat)).getMethod("main", String[].class).invoke(null, (Object) new String[0]);

    BlockingQueue<Object> heard = new LinkedBlockingQueue<>();
    IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false).build();
    Socket client = IO.socket(URI.create("http://127.0.0.1:" + port), options);
    try {
      client.on("said", args -> heard.add(args[0] + ":" + args[1]));
      client.connect();
      client.emit("join", new Object[] {"lobby"}, reply -> heard.add(reply[0]));
      assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("joined lobby");
      client.emit("say", new JSONObject().put("room", "lobby").put("text", "hello"));
      assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo(client.id() + ":hello");
    } finally {
      client.close();
    }
  }
}
