package io.switchboard.spring;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.Ack;
import io.switchboard.server.Args;
import io.switchboard.server.DisconnectReason;
import io.switchboard.server.Handshake;
import io.switchboard.server.Namespace;
import io.switchboard.server.Server;
import io.switchboard.server.Socket;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Binds the annotated methods of {@link SocketController} beans to a {@link Server}: one {@link #bind} per controller,
 * with the {@link SocketControllerAdvice} beans' exception handlers shared by all.
 */
final class SocketControllerBinder {
  private static final Logger log = LoggerFactory.getLogger(SocketControllerBinder.class);
  private static final Set<String> VALID_ANNOTATIONS = Set.of("jakarta.validation.Valid",
      "org.springframework.validation.annotation.Validated");

  private final ObjectMapper mapper;
  private final PayloadValidator validator; // null: @Valid is refused at bind time
  private final List<ExceptionHandlerMethod> advice;

  SocketControllerBinder(ObjectMapper mapper, PayloadValidator validator, List<Object> adviceBeans) {
    this.mapper = mapper;
    this.validator = validator;
    List<ExceptionHandlerMethod> a = new ArrayList<>();
    for (Object bean : adviceBeans) {
      a.addAll(exceptionHandlers(bean));
    }
    this.advice = List.copyOf(a);
  }

  /** The namespace a controller bean serves. */
  static String namespaceOf(Object controller) {
    SocketController ann = AnnotatedElementUtils.findMergedAnnotation(ClassUtils.getUserClass(controller),
        SocketController.class);
    if (ann == null) {
      throw new IllegalArgumentException(controller.getClass().getName() + " is not a @SocketController");
    }
    return ann.namespace();
  }

  /** Registers the controller's handlers on its namespace of {@code server}. */
  void bind(Server server, Object controller) {
    Namespace nsp = server.of(namespaceOf(controller));
    ControllerHandlers h = handlers(controller);
    nsp.onConnection(socket -> h.attach(socket));
  }

  /** The controller's handlers, ready to attach to each socket (visible for the binding tests). */
  ControllerHandlers handlers(Object controller) {
    Class<?> type = ClassUtils.getUserClass(controller);
    List<EventMethod> events = new ArrayList<>();
    methods(type, OnEvent.class).forEach((m, ann) -> events.add(new EventMethod(controller, m, ann.value())));
    List<Method> connects = new ArrayList<>(methods(type, OnConnect.class).keySet());
    List<Method> disconnects = new ArrayList<>(methods(type, OnDisconnect.class).keySet());
    List<ExceptionHandlerMethod> local = exceptionHandlers(controller);
    return new ControllerHandlers(controller, events, connects, disconnects, local);
  }

  private static <A extends Annotation> Map<Method, A> methods(Class<?> type, Class<A> annotation) {
    Map<Method, A> found = MethodIntrospector.selectMethods(type,
        (MethodIntrospector.MetadataLookup<A>) m -> AnnotatedElementUtils.findMergedAnnotation(m, annotation));
    Map<Method, A> sorted = new LinkedHashMap<>();
    found.entrySet().stream().sorted(Comparator.comparing(e -> e.getKey().getName()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  private static List<ExceptionHandlerMethod> exceptionHandlers(Object bean) {
    List<ExceptionHandlerMethod> out = new ArrayList<>();
    methods(ClassUtils.getUserClass(bean), SocketExceptionHandler.class)
        .forEach((m, ann) -> out.add(new ExceptionHandlerMethod(bean, m, ann)));
    return out;
  }

  private static Method invocable(Object bean, Method m) {
    Method target = AopUtils.selectInvocableMethod(m, bean.getClass());
    ReflectionUtils.makeAccessible(target);
    return target;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof InvocationTargetException || t instanceof CompletionException
        || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** One controller's handlers. */
  final class ControllerHandlers {
    private final Object controller;
    private final List<EventMethod> events;
    private final List<Method> connects;
    private final List<Method> disconnects;
    private final List<ExceptionHandlerMethod> local;

    ControllerHandlers(Object controller, List<EventMethod> events, List<Method> connects, List<Method> disconnects,
        List<ExceptionHandlerMethod> local) {
      this.controller = controller;
      this.events = events;
      this.connects = connects.stream().map(m -> invocable(controller, m)).toList();
      this.disconnects = disconnects.stream().map(m -> invocable(controller, m)).toList();
      this.local = local;
    }

    List<EventMethod> events() {
      return events;
    }

    EventMethod event(String name) {
      return events.stream().filter(e -> e.name.equals(name)).findFirst().orElseThrow();
    }

    void attach(Socket socket) {
      for (EventMethod e : events) {
        socket.on(e.name, (args, ack) -> e.handle(socket, args.nodes(), args, ack, local));
      }
      for (Method m : disconnects) {
        socket.onDisconnect((reason, description) -> {
          try {
            m.invoke(controller, lifecycleArgs(m, socket, reason, description));
          } catch (ReflectiveOperationException | RuntimeException e) {
            log.error("@OnDisconnect {} failed for socket {}", m, socket.id(), unwrap(e));
          }
        });
      }
      for (Method m : connects) {
        try {
          m.invoke(controller, lifecycleArgs(m, socket, null, null));
        } catch (ReflectiveOperationException | RuntimeException e) {
          Throwable cause = unwrap(e);
          if (!handleError(cause, socket, "connect", Ack.NONE, local)) {
            log.error("@OnConnect {} failed for socket {}", m, socket.id(), cause);
          }
        }
      }
    }
  }

  private static Object[] lifecycleArgs(Method m, Socket socket, DisconnectReason reason, String description) {
    Class<?>[] types = m.getParameterTypes();
    Object[] out = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i];
      if (t == Socket.class) {
        out[i] = socket;
      } else if (t == Namespace.class) {
        out[i] = socket.namespace();
      } else if (t == Handshake.class) {
        out[i] = socket.handshake();
      } else if (t == DisconnectReason.class) {
        out[i] = reason;
      } else if (t == String.class) {
        out[i] = description;
      } else {
        throw new IllegalStateException("cannot bind parameter " + i + " of " + m);
      }
    }
    return out;
  }

  private enum Kind { SOCKET, ACK, ARGS, NAMESPACE, HANDSHAKE, PAYLOAD }

  /** One {@link OnEvent} method with its parameters resolved once. */
  final class EventMethod {
    final String name;
    private final Object bean;
    private final Method method;
    private final Kind[] kinds;
    private final JavaType[] types;
    private final int[] payloadIndex;
    private final boolean[] validate;
    private final boolean returnsValue;

    EventMethod(Object bean, Method declared, String name) {
      this.bean = bean;
      this.name = name;
      this.method = invocable(bean, declared);
      Parameter[] ps = declared.getParameters();
      kinds = new Kind[ps.length];
      types = new JavaType[ps.length];
      payloadIndex = new int[ps.length];
      validate = new boolean[ps.length];
      int next = 0;
      for (int i = 0; i < ps.length; i++) {
        Class<?> t = ps[i].getType();
        kinds[i] = t == Socket.class ? Kind.SOCKET : t == Ack.class ? Kind.ACK : t == Args.class ? Kind.ARGS
            : t == Namespace.class ? Kind.NAMESPACE : t == Handshake.class ? Kind.HANDSHAKE : Kind.PAYLOAD;
        if (kinds[i] == Kind.PAYLOAD) {
          types[i] = mapper.getTypeFactory().constructType(ps[i].getParameterizedType());
          payloadIndex[i] = next++;
          for (Annotation a : ps[i].getAnnotations()) {
            if (VALID_ANNOTATIONS.contains(a.annotationType().getName())) {
              validate[i] = true;
            }
          }
          if (validate[i] && validator == null) {
            throw new IllegalStateException("@Valid on " + declared + " but no Bean Validation provider is present "
                + "(add spring-boot-starter-validation)");
          }
        }
      }
      Class<?> r = method.getReturnType();
      returnsValue = r != void.class && r != Void.class;
    }

    /** Handles one event: binds, invokes, acknowledges (the return value or the mapped error). */
    void handle(Socket socket, List<JsonNode> nodes, Args args, Ack ack, List<ExceptionHandlerMethod> local) {
      Object result;
      try {
        result = method.invoke(bean, bind(socket, nodes, args, ack));
      } catch (InvocationTargetException e) {
        handleError(unwrap(e), socket, name, ack, local);
        return;
      } catch (PayloadValidationException | PayloadConversionException e) {
        handleError(e, socket, name, ack, local);
        return;
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      if (result instanceof CompletionStage<?> stage) {
        stage.whenComplete((value, error) -> {
          if (error != null) {
            handleError(unwrap(error), socket, name, ack, local);
          } else {
            send(ack, value);
          }
        });
      } else if (returnsValue) {
        send(ack, result);
      }
    }

    Object[] bind(Socket socket, List<JsonNode> nodes, Args args, Ack ack) {
      Object[] out = new Object[kinds.length];
      for (int i = 0; i < kinds.length; i++) {
        out[i] = switch (kinds[i]) {
          case SOCKET -> socket;
          case ACK -> ack;
          case ARGS -> args;
          case NAMESPACE -> socket == null ? null : socket.namespace();
          case HANDSHAKE -> socket == null ? null : socket.handshake();
          case PAYLOAD -> payload(i, nodes);
        };
      }
      return out;
    }

    private Object payload(int i, List<JsonNode> nodes) {
      int k = payloadIndex[i];
      JsonNode node = k < nodes.size() ? nodes.get(k) : null;
      Object value;
      if (node == null || node.isNull() || node.isMissingNode()) {
        if (types[i].isPrimitive()) {
          throw new PayloadConversionException("argument " + k + " of \"" + name + "\" is missing", null);
        }
        value = null;
      } else {
        try {
          value = mapper.convertValue(node, types[i]);
        } catch (IllegalArgumentException e) {
          throw new PayloadConversionException("argument " + k + " of \"" + name + "\" is not a "
              + types[i].getRawClass().getSimpleName(), e);
        }
      }
      if (validate[i]) {
        if (value == null) {
          throw new PayloadValidationException(List.of(new PayloadValidationException.Violation("",
              "must not be null")));
        }
        List<PayloadValidationException.Violation> v = validator.validate(value);
        if (!v.isEmpty()) {
          throw new PayloadValidationException(v);
        }
      }
      return value;
    }
  }

  private static void send(Ack ack, Object value) {
    if (!ack.requested()) {
      return;
    }
    if (value == null) {
      ack.send();
    } else {
      ack.send(value);
    }
  }

  /** Answers {@code error}: the closest exception handler, or the default error acknowledgement. */
  boolean handleError(Throwable error, Socket socket, String event, Ack ack, List<ExceptionHandlerMethod> local) {
    ExceptionHandlerMethod h = closest(local, error);
    if (h == null) {
      h = closest(advice, error);
    }
    if (h != null) {
      try {
        Object value = h.invoke(error, socket, event);
        if (h.returnsValue) {
          send(ack, value);
        }
        return true;
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.error("@SocketExceptionHandler {} failed on {}", h.method, error, unwrap(e));
      }
    }
    if (error instanceof PayloadValidationException v) {
      List<Map<String, String>> list = v.violations().stream()
          .map(x -> Map.of("path", x.path(), "message", x.message())).toList();
      send(ack, Map.of("error", "validation", "message", "invalid payload", "violations", list));
    } else if (error instanceof PayloadConversionException c) {
      send(ack, Map.of("error", "bad_request", "message", c.getMessage()));
    } else {
      log.error("handler of \"{}\" failed for socket {}", event, socket == null ? "-" : socket.id(), error);
      send(ack, Map.of("error", "internal", "message", "internal error"));
    }
    return false;
  }

  private static ExceptionHandlerMethod closest(List<ExceptionHandlerMethod> handlers, Throwable error) {
    ExceptionHandlerMethod best = null;
    int bestDepth = Integer.MAX_VALUE;
    for (ExceptionHandlerMethod h : handlers) {
      for (Class<? extends Throwable> t : h.types) {
        if (t.isInstance(error)) {
          int depth = depth(t, error);
          if (depth < bestDepth) {
            bestDepth = depth;
            best = h;
          }
        }
      }
    }
    return best;
  }

  private static int depth(Class<?> declared, Throwable error) {
    int d = 0;
    for (Class<?> c = error.getClass(); c != null && c != declared; c = c.getSuperclass()) {
      d++;
    }
    return d;
  }

  /** One {@link SocketExceptionHandler} method. */
  static final class ExceptionHandlerMethod {
    private final Object bean;
    private final Method method;
    private final List<Class<? extends Throwable>> types;
    private final boolean returnsValue;

    @SuppressWarnings("unchecked")
    ExceptionHandlerMethod(Object bean, Method declared, SocketExceptionHandler ann) {
      this.bean = bean;
      this.method = invocable(bean, declared);
      List<Class<? extends Throwable>> t = new ArrayList<>(List.of(ann.value()));
      if (t.isEmpty()) {
        for (Class<?> p : declared.getParameterTypes()) {
          if (Throwable.class.isAssignableFrom(p)) {
            t.add((Class<? extends Throwable>) p);
          }
        }
      }
      if (t.isEmpty()) {
        throw new IllegalStateException("@SocketExceptionHandler " + declared + " names no exception type");
      }
      this.types = List.copyOf(t);
      Class<?> r = method.getReturnType();
      this.returnsValue = r != void.class && r != Void.class;
    }

    Object invoke(Throwable error, Socket socket, String event) throws ReflectiveOperationException {
      Class<?>[] ps = method.getParameterTypes();
      Object[] args = new Object[ps.length];
      for (int i = 0; i < ps.length; i++) {
        if (Throwable.class.isAssignableFrom(ps[i])) {
          args[i] = ps[i].isInstance(error) ? error : null;
        } else if (ps[i] == Socket.class) {
          args[i] = socket;
        } else if (ps[i] == String.class) {
          args[i] = event;
        } else {
          throw new IllegalStateException("cannot bind parameter " + i + " of " + method);
        }
      }
      try {
        return method.invoke(bean, args);
      } catch (InvocationTargetException e) {
        Throwable c = e.getCause();
        throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
      }
    }
  }
}
