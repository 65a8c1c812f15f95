package io.switchboard.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * The arguments of an event or an acknowledgement, as sent, with typed access through Jackson.
 *
 * <pre>{@code
 * socket.on("move", (args, ack) -> {
 *   Point p = args.get(0, Point.class);
 *   int speed = args.get(1, Integer.class);
 *   byte[] blob = args.get(2, byte[].class);       // a binary attachment
 *   socket.broadcast().emit("moved", args.toArray()); // forwards them unchanged, binary kept binary
 * });
 * }</pre>
 */
public final class Args {
  private final List<JsonNode> values;
  private final ObjectMapper mapper;

  Args(List<JsonNode> values, ObjectMapper mapper) {
    this.values = List.copyOf(values);
    this.mapper = mapper;
  }

  /** {@return the number of arguments} */
  public int size() {
    return values.size();
  }

  /** {@return whether there are none} */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /**
   * Argument {@code i} as a JSON tree.
   *
   * @param i the index, from 0
   * @return the tree; binary arguments are {@code BinaryNode}s, a JSON {@code null} is a {@code NullNode}
   * @throws IndexOutOfBoundsException if there is no argument {@code i}
   */
  public JsonNode node(int i) {
    return values.get(i);
  }

  /** {@return the arguments as JSON trees} */
  public List<JsonNode> nodes() {
    return values;
  }

  /**
   * Argument {@code i} bound to {@code type} by the server's Jackson mapper ({@link ServerOptions#objectMapper()}).
   *
   * @param <T>  the type
   * @param i    the index, from 0
   * @param type the class to bind to; {@code byte[].class} reads a binary attachment
   * @return the value, {@code null} for a JSON {@code null}
   * @throws IllegalArgumentException  if the argument does not fit {@code type}
   * @throws IndexOutOfBoundsException if there is no argument {@code i}
   */
  public <T> T get(int i, Class<T> type) {
    return mapper.convertValue(values.get(i), type);
  }

  /**
   * Argument {@code i} bound to a generic type, such as {@code new TypeReference<List<Point>>() {}}.
   *
   * @param <T>  the type
   * @param i    the index, from 0
   * @param type the type to bind to
   * @return the value, {@code null} for a JSON {@code null}
   * @throws IllegalArgumentException  if the argument does not fit {@code type}
   * @throws IndexOutOfBoundsException if there is no argument {@code i}
   */
  public <T> T get(int i, TypeReference<T> type) {
    return mapper.convertValue(values.get(i), type);
  }

  /**
   * Argument {@code i} as text, without binding.
   *
   * @param i the index, from 0
   * @return the string, or {@code null} if the argument is not a string or there is no argument {@code i}
   */
  public String string(int i) {
    return i < values.size() && values.get(i).isTextual() ? values.get(i).textValue() : null;
  }

  /** {@return the arguments, to pass on to {@code emit} unchanged} */
  public Object[] toArray() {
    return values.toArray();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
