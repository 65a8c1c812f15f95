package io.switchboard.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The HS256 signing secret of the chat's tokens: the configured one, or one generated once and kept in the data
 * directory so that tokens survive a restart.
 *
 * <pre>{@code
 * String secret = SigningSecret.resolve(config); // reads or creates ./data/jwt-secret
 * }</pre>
 */
public final class SigningSecret {
  /** The file under the data directory that holds a generated secret. */
  public static final String FILE_NAME = "jwt-secret";

  private SigningSecret() {}

  /** The configured secret, else the one kept in {@code dataDir/jwt-secret}, created on first use. */
  public static String resolve(ChatConfig config) {
    if (config.jwtSecret().isPresent()) {
      return config.jwtSecret().get();
    }
    Path file = config.dataDir().resolve(FILE_NAME);
    try {
      Files.createDirectories(config.dataDir());
      if (!Files.exists(file)) {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try {
          Files.writeString(file, generated + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE);
          restrictToOwner(file);
        } catch (FileAlreadyExistsException raced) {
          // another process created it first: read theirs below
        }
      }
      String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (secret.length() < 32) {
        throw new IllegalStateException(file + " holds a secret shorter than 32 characters");
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }

  private static void restrictToOwner(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: keep the default permissions
    }
  }
}
