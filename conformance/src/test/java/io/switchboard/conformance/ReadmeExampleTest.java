package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.RepositoryRoot;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage example in README.md compiles against the current modules, so it cannot drift from the API. */
class ReadmeExampleTest {

  @Test
  void theReadmeJavaExampleCompiles(@TempDir Path out) throws IOException {
    String readme = Files.readString(RepositoryRoot.find().resolve("README.md"), StandardCharsets.UTF_8);
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(block.find()).as("README.md has a ```java block").isTrue();
    String source = block.group(1);
    Matcher type = Pattern.compile("public\\s+(?:final\\s+)?class\\s+(\\w+)").matcher(source);
    assertThat(type.find()).as("the example declares a public class").isTrue();

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + type.group(1) + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      boolean ok = javac.getTask(null, files, diagnostics,
          List.of("-classpath", classpath, "-d", out.toString(), "-proc:none"), null, List.of(file)).call();
      assertThat(ok).as("README example compiles: %s", diagnostics.getDiagnostics()).isTrue();
    }
  }
}
