package io.switchboard.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A small Spring Boot application on the Switchboard starter: Socket.IO on {@code switchboard.port} (3001), the web
 * side (a page and the actuator) on {@code server.port} (8080).
 *
 * <pre>
 * java -jar examples/spring-boot/target/switchboard-spring-example.jar --server.port=8080 --switchboard.port=3001
 * </pre>
 */
@SpringBootApplication
@EnableScheduling
public class ExampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(ExampleApplication.class, args);
  }
}
