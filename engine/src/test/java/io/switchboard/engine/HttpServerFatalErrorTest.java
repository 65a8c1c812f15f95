package io.switchboard.engine;

import static io.switchboard.engine.GuardedHttpServerFixture.awaitTrue;
import static io.switchboard.engine.RawHttpConnection.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpRequest;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the server does when it can no longer serve (the fatal error handler is called once) and when it can (the
 * error stays with one connection, or accepting pauses and resumes).
 */
class HttpServerFatalErrorTest {
  private static final Duration WAIT = Duration.ofSeconds(2);

  private GuardedHttpServerFixture server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** The channel of the latest request, to fire events into its pipeline. */
  private volatile Channel lastChannel;

  /** Before the application: throws the error named by the path ({@code /oom}, {@code /deep}). */
  private final class Thrower extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      lastChannel = ctx.channel();
      if (msg instanceof HttpRequest req && req.uri().equals("/oom")) {
        throw new OutOfMemoryError("test: Java heap space");
      }
      if (msg instanceof HttpRequest req && req.uri().equals("/deep")) {
        throw new StackOverflowError("test");
      }
      ctx.fireChannelRead(msg);
    }
  }

  private void startWithThrower() {
    server = GuardedHttpServerFixture.startWithBefore(b -> b.idleTimeout(Duration.ofSeconds(5)),
        p -> p.addLast(new Thrower()));
  }

  @Test
  void theListeningSocketClosingUnexpectedlyCallsTheFatalHandler() {
    server = GuardedHttpServerFixture.start(b -> {});
    server.http().serverChannel().close().syncUninterruptibly();
    awaitTrue("fatal handler called", WAIT, () -> !server.fatalErrors().isEmpty());
    assertThat(server.fatalErrors()).singleElement().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingTheServerIsNotFatal() {
    server = GuardedHttpServerFixture.start(b -> {});
    server.close();
    assertThat(server.fatalErrors()).isEmpty();
  }

  @Test
  void anOutOfMemoryErrorInTheAcceptLoopCallsTheFatalHandlerOnce() {
    server = GuardedHttpServerFixture.start(b -> {});
    server.http().serverChannel().pipeline().fireExceptionCaught(new OutOfMemoryError("test: accept"));
    server.http().serverChannel().pipeline().fireExceptionCaught(new OutOfMemoryError("test: again"));
    awaitTrue("fatal handler called", WAIT, () -> !server.fatalErrors().isEmpty());
    assertThat(server.fatalErrors().get(0)).hasMessage("test: accept");
    assertThat(server.fatalErrors()).hasSize(1);
  }

  @Test
  void anOutOfMemoryErrorInAnApplicationHandlerCallsTheFatalHandler() {
    startWithThrower();
    try (RawHttpConnection c = server.connect()) {
      c.send(get("/oom"));
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    awaitTrue("fatal handler called", WAIT, () -> !server.fatalErrors().isEmpty());
    assertThat(server.fatalErrors()).singleElement().isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void anOutOfMemoryErrorReachingAConnectionFromTheSocketCallsTheFatalHandler() {
    startWithThrower();
    try (RawHttpConnection c = server.connect()) {
      c.send(get("/first"));
      assertThat(c.readResponse().status()).isEqualTo(200);
      // where an allocation failure while reading from the socket arrives: at the head of the pipeline
      lastChannel.pipeline().fireExceptionCaught(new OutOfMemoryError("test: direct buffer memory"));
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    awaitTrue("fatal handler called", WAIT, () -> !server.fatalErrors().isEmpty());
    assertThat(server.fatalErrors().get(0)).hasMessage("test: direct buffer memory");
    assertThat(server.fatalErrors()).hasSize(1);
  }

  @Test
  void anOrdinaryErrorFromTheSocketClosesOnlyThatConnection() {
    startWithThrower();
    try (RawHttpConnection c = server.connect()) {
      c.send(get("/first"));
      assertThat(c.readResponse().status()).isEqualTo(200);
      lastChannel.pipeline().fireExceptionCaught(new IOException("test: connection reset by peer"));
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    assertThat(server.fatalErrors()).isEmpty();
  }

  @Test
  void fatalMeansOutOfMemoryOrAnotherVirtualMachineErrorButAStackOverflow() {
    assertThat(HttpServerShared.isFatal(new DecoderException(new OutOfMemoryError()))).isTrue();
    assertThat(HttpServerShared.isFatal(new InternalError())).isTrue();
    assertThat(HttpServerShared.isFatal(new StackOverflowError())).isFalse();
    assertThat(HttpServerShared.isFatal(new IOException("Too many open files"))).isFalse();
    assertThat(HttpServerShared.isFatal(new AssertionError())).isFalse();
  }

  @Test
  void aStackOverflowInAnApplicationHandlerClosesOnlyThatConnection() {
    startWithThrower();
    try (RawHttpConnection c = server.connect()) {
      c.send(get("/deep"));
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    try (RawHttpConnection c = server.connect()) {
      c.send(get("/fine"));
      assertThat(c.readResponse().status()).isEqualTo(200);
    }
    assertThat(server.fatalErrors()).isEmpty();
  }

  @Test
  void anAcceptErrorPausesAcceptingForASecondThenItResumes() {
    server = GuardedHttpServerFixture.start(b -> {});
    // what "Too many open files" looks like to the listening channel
    long start = System.nanoTime();
    server.http().serverChannel().pipeline().fireExceptionCaught(new IOException("Too many open files"));
    awaitTrue("accept error counted", WAIT, () -> server.stats().acceptErrors() == 1);
    try (RawHttpConnection c = server.connect()) { // the kernel queues it; the server takes it after the pause
      c.send(get("/later"));
      assertThat(c.readResponse().status()).isEqualTo(200);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(950));
    assertThat(server.fatalErrors()).isEmpty();
  }
}
