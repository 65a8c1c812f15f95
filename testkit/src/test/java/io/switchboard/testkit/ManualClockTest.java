package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void standsStillAtItsStartUntilMoved() throws Exception {
    ManualClock clock = new ManualClock();
    assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START).isEqualTo(START);
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    Thread.sleep(5); // real time passes: this clock does not notice
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.millis()).isEqualTo(START.toEpochMilli());
  }

  @Test
  void advanceMovesForwardAndReturnsTheNewTime() {
    ManualClock clock = new ManualClock(START);
    assertThat(clock.advance(Duration.ofMillis(1500))).isEqualTo(START.plusMillis(1500));
    assertThat(clock.advance(Duration.ZERO)).isEqualTo(START.plusMillis(1500));
    assertThat(clock.instant()).isEqualTo(START.plusMillis(1500));
    assertThat(clock.millis()).isEqualTo(START.toEpochMilli() + 1500);
    assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set()");
    assertThat(clock.instant()).isEqualTo(START.plusMillis(1500));
  }

  @Test
  void setMovesForwardOrBack() {
    ManualClock clock = new ManualClock(START);
    clock.set(START.plusSeconds(60));
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(60));
    clock.set(START.minusSeconds(60));
    assertThat(clock.instant()).isEqualTo(START.minusSeconds(60));
  }

  @Test
  void withZoneIsAViewThatSharesTheTime() {
    ManualClock utc = new ManualClock(START);
    ZoneId paris = ZoneId.of("Europe/Paris");
    ManualClock inParis = utc.withZone(paris);
    assertThat(inParis.getZone()).isEqualTo(paris);
    assertThat(LocalDateTime.now(inParis)).isEqualTo(LocalDateTime.parse("2026-01-01T01:00:00"));
    utc.advance(Duration.ofHours(1));
    assertThat(inParis.instant()).isEqualTo(START.plusSeconds(3600));
    inParis.set(START);
    assertThat(utc.instant()).isEqualTo(START);
    assertThat(utc.withZone(ZoneOffset.UTC)).isSameAs(utc);
    assertThat(inParis.withZone(ZoneOffset.UTC)).isEqualTo(utc).hasSameHashCodeAs(utc);
    assertThat(inParis).isNotEqualTo(utc);
    assertThat(new ManualClock(START)).as("another clock at the same time").isNotEqualTo(utc);
    assertThat(new ManualClock(START, paris).getZone()).isEqualTo(paris);
  }

  @Test
  void concurrentAdvancesAreNeverLost() throws Exception {
    ManualClock clock = new ManualClock(START);
    int threads = 8;
    int steps = 5000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < steps; i++) {
          clock.advance(Duration.ofMillis(1));
        }
      });
      th.start();
      all.add(th);
    }
    go.countDown();
    for (Thread th : all) {
      th.join();
    }
    assertThat(clock.instant()).isEqualTo(START.plusMillis((long) threads * steps));
  }
}
