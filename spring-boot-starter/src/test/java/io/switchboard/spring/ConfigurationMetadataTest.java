package io.switchboard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The starter ships Boot's configuration metadata, so IDEs complete and describe every {@code switchboard.*} key. */
class ConfigurationMetadataTest {

  @Test
  void everyPropertyHasADescriptionAndTheScalarsTheirDefaults() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getClassLoader()
        .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json on the starter's classpath").isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    Map<String, JsonNode> byName = new HashMap<>();
    metadata.get("properties").forEach(p -> byName.put(p.get("name").asText(), p));

    assertThat(byName).containsKeys("switchboard.port", "switchboard.path", "switchboard.shutdown-grace",
        "switchboard.redis.adapter", "switchboard.ssl.bundle", "switchboard.cors.allowed-origins");
    byName.forEach((name, p) -> assertThat(p.path("description").asText()).as(name).isNotBlank());
    assertThat(byName.get("switchboard.port").get("defaultValue").asInt()).isEqualTo(3000);
    assertThat(byName.get("switchboard.path").get("defaultValue").asText()).isEqualTo("/socket.io/");
    assertThat(byName).containsKeys("switchboard.handler-dispatch", "switchboard.blocking-threshold");
    assertThat(byName.get("switchboard.handler-dispatch").get("defaultValue").asText()).isEqualToIgnoringCase("executor");
    assertThat(byName.get("switchboard.handler-dispatch").get("description").asText()).contains("commonly block");
  }
}
