package io.switchboard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.Ack;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The binding of {@link OnEvent} methods: parameters by type, conversion, validation, acks, exception handlers. */
class SocketControllerBinderTest {
  private static final ObjectMapper JSON = SwitchboardAutoConfiguration.defaultMapper();
  private static final PayloadValidator VALIDATOR =
      new BeanValidationPayloadValidator(Validation.buildDefaultValidatorFactory().getValidator());

  record Order(@NotBlank String item, @Min(1) int quantity) {}

  @SocketController("/shop")
  static class Shop {
    final List<Object> seen = new ArrayList<>();
    CompletableFuture<String> pending = new CompletableFuture<>();

    @OnEvent("order")
    Map<String, Object> order(@Valid Order order, Integer priority) {
      seen.add(order);
      seen.add(priority);
      return Map.of("item", order.item(), "priority", priority == null ? -1 : priority);
    }

    @OnEvent("list")
    int count(List<Order> orders) {
      return orders.size();
    }

    @OnEvent("later")
    CompletionStage<String> later() {
      return pending;
    }

    @OnEvent("manual")
    void manual(Ack ack, String a, String b) {
      ack.send(a, b);
    }

    @OnEvent("missing")
    String missing(String id) {
      throw new NoSuchElementException("no " + id);
    }

    @OnEvent("boom")
    String boom() {
      throw new IllegalStateException("secret detail");
    }

    @OnEvent("closed")
    String closed() {
      throw new java.nio.channels.ClosedSelectorException();
    }

    @OnEvent("primitive")
    int primitive(int n) {
      return n * 2;
    }

    @SocketExceptionHandler
    Map<String, String> notFound(NoSuchElementException e, String event) {
      return Map.of("error", "not_found", "message", e.getMessage(), "event", event);
    }
  }

  @SocketControllerAdvice
  static class Advice {
    @SocketExceptionHandler({IllegalStateException.class, UnsupportedOperationException.class})
    String state(RuntimeException e) {
      return "advice: " + e.getClass().getSimpleName();
    }

    @SocketExceptionHandler
    String closed(java.nio.channels.ClosedSelectorException e) {
      return "advice: closest";
    }

    @SocketExceptionHandler
    String none(NoSuchElementException e) {
      return "advice must not win over the controller";
    }
  }

  /** An ack that records what was sent. */
  static final class RecordingAck implements Ack {
    final List<List<Object>> sent = new ArrayList<>();

    @Override
    public boolean requested() {
      return true;
    }

    @Override
    public synchronized boolean send(Object... args) {
      sent.add(Arrays.asList(args));
      return sent.size() == 1;
    }

    JsonNode only() {
      assertThat(sent).hasSize(1);
      assertThat(sent.get(0)).hasSize(1);
      return JSON.valueToTree(sent.get(0).get(0));
    }
  }

  private final Shop shop = new Shop();
  private final SocketControllerBinder binder = new SocketControllerBinder(JSON, VALIDATOR, List.of(new Advice()));
  private final SocketControllerBinder.ControllerHandlers handlers = binder.handlers(shop);

  private RecordingAck call(String event, Object... args) {
    RecordingAck ack = new RecordingAck();
    List<JsonNode> nodes = Arrays.stream(args).map(a -> (JsonNode) JSON.valueToTree(a)).toList();
    handlers.event(event).handle(null, nodes, null, ack, localHandlers());
    return ack;
  }

  private List<SocketControllerBinder.ExceptionHandlerMethod> localHandlers() {
    // what bind() gives each socket: the controller's own exception handlers
    List<SocketControllerBinder.ExceptionHandlerMethod> out = new ArrayList<>();
    for (var m : Shop.class.getDeclaredMethods()) {
      SocketExceptionHandler ann = m.getAnnotation(SocketExceptionHandler.class);
      if (ann != null) {
        out.add(new SocketControllerBinder.ExceptionHandlerMethod(shop, m, ann));
      }
    }
    return out;
  }

  @Test
  void payloadsAreBoundInOrderAndTheReturnValueIsTheAck() {
    RecordingAck ack = call("order", Map.of("item", "tea", "quantity", 2, "unknown", true), 5);
    assertThat(ack.only()).isEqualTo(JSON.valueToTree(Map.of("item", "tea", "priority", 5)));
    assertThat(shop.seen).containsExactly(new Order("tea", 2), 5);
  }

  @Test
  void aMissingArgumentIsNullAndGenericTypesAreKept() {
    assertThat(call("order", Map.of("item", "tea", "quantity", 1)).only().path("priority").asInt()).isEqualTo(-1);
    assertThat(call("list", List.of(Map.of("item", "a", "quantity", 1), Map.of("item", "b", "quantity", 1)))
        .only().asInt()).isEqualTo(2);
  }

  @Test
  void aViolationIsAckedWithItsPaths() {
    JsonNode error = call("order", Map.of("item", " ", "quantity", 0)).only();
    assertThat(error.path("error").asText()).isEqualTo("validation");
    assertThat(error.path("violations").findValuesAsText("path")).containsExactly("item", "quantity");
    assertThat(shop.seen).isEmpty();
    assertThat(call("order").only().path("violations").get(0).path("message").asText()).isEqualTo("must not be null");
  }

  @Test
  void anUnconvertibleArgumentIsABadRequest() {
    JsonNode error = call("order", "not an object").only();
    assertThat(error.path("error").asText()).isEqualTo("bad_request");
    assertThat(error.path("message").asText()).contains("argument 0", "Order");
    assertThat(call("primitive").only().path("error").asText()).isEqualTo("bad_request");
    assertThat(call("primitive", 21).only().asInt()).isEqualTo(42);
  }

  @Test
  void aCompletionStageAcksWhenItCompletes() {
    RecordingAck ack = call("later");
    assertThat(ack.sent).isEmpty();
    shop.pending.complete("done");
    assertThat(ack.only().asText()).isEqualTo("done");

    shop.pending = new CompletableFuture<>();
    RecordingAck failed = call("later");
    shop.pending.completeExceptionally(new NoSuchElementException("gone"));
    assertThat(failed.only().path("error").asText()).isEqualTo("not_found");
  }

  @Test
  void anAckParameterLetsTheMethodAnswer() {
    RecordingAck ack = call("manual", "a", "b");
    assertThat(ack.sent).containsExactly(List.of("a", "b"));
  }

  @Test
  void exceptionsGoToTheControllerThenTheAdviceThenTheDefault() {
    JsonNode notFound = call("missing", "42").only();
    assertThat(notFound.path("error").asText()).isEqualTo("not_found");
    assertThat(notFound.path("message").asText()).isEqualTo("no 42");
    assertThat(notFound.path("event").asText()).isEqualTo("missing");
    assertThat(call("boom").only().asText()).isEqualTo("advice: IllegalStateException");
    // the closest type wins: ClosedSelectorException is an IllegalStateException
    assertThat(call("closed").only().asText()).isEqualTo("advice: closest");

    SocketControllerBinder bare = new SocketControllerBinder(JSON, VALIDATOR, List.of());
    RecordingAck ack = new RecordingAck();
    bare.handlers(shop).event("boom").handle(null, List.of(), null, ack, List.of());
    assertThat(ack.only()).isEqualTo(JSON.valueToTree(Map.of("error", "internal", "message", "internal error")));
  }

  @Test
  void validWithoutAValidatorFailsAtBindTime() {
    SocketControllerBinder noValidation = new SocketControllerBinder(JSON, null, List.of());
    assertThatThrownBy(() -> noValidation.handlers(shop)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spring-boot-starter-validation");
  }

  @Test
  void theNamespaceComesFromTheAnnotation() {
    assertThat(SocketControllerBinder.namespaceOf(shop)).isEqualTo("/shop");
    assertThatThrownBy(() -> SocketControllerBinder.namespaceOf(new Object()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
