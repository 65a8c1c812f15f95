package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class TestPostgresTest {
  @Test
  void jdbcUrlIsDatabaseTestAsPostgres() throws SQLException {
    String url = TestPostgres.jdbcUrl();
    assertThat(url).matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/test");
    assertThat(TestPostgres.jdbcUrl()).isSameAs(url);
    try (Connection c = DriverManager.getConnection(url, TestPostgres.username(), TestPostgres.password())) {
      assertThat(one(c, "SELECT current_database() || ' ' || current_user")).isEqualTo("test postgres");
    }
  }

  @Test
  void aFreshSchemaIsUsedByItsUrlAndDroppedOnClose() throws SQLException {
    String name;
    try (TestPostgres.Schema schema = TestPostgres.freshSchema()) {
      name = schema.name();
      assertThat(name).matches("[a-z0-9_]+");
      try (Connection c = DriverManager.getConnection(schema.jdbcUrl()); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t (v text)");
        st.execute("INSERT INTO t VALUES ('x')");
        assertThat(one(c, "SELECT current_schema()")).isEqualTo(name);
      }
      try (Connection c = TestPostgres.connect()) {
        assertThat(one(c, "SELECT v FROM " + name + ".t")).isEqualTo("x");
      }
    }
    try (Connection c = TestPostgres.connect()) {
      assertThat(one(c, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + name + "'"))
          .isEqualTo("0");
    }
  }

  @Test
  void whenNothingAnswersTheFallbackStartsPostgresFromTheShippedBinaries() throws SQLException {
    int nothing = LocalServers.freePort();

    String url = TestPostgres.resolve(nothing);

    assertThat(url).matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/test").doesNotContain(":" + nothing + "/");
    try (Connection c = DriverManager.getConnection(url, TestPostgres.username(), TestPostgres.password())) {
      assertThat(one(c, "SHOW server_version")).startsWith("14.22");
      assertThat(one(c, "SELECT current_database() || ' ' || current_user")).isEqualTo("test postgres");
    }
  }

  @Test
  void aStartedServerStoresDataAndIsGoneAfterClose() throws SQLException {
    String url;
    try (TestPostgres.Server pg = TestPostgres.startServer()) {
      url = pg.jdbcUrl();
      try (Connection c = DriverManager.getConnection(url, TestPostgres.username(), TestPostgres.password());
           Statement st = c.createStatement()) {
        st.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)");
        st.execute("INSERT INTO notes (body) VALUES ('ünïcode ✓')");
        assertThat(one(c, "SELECT body FROM notes")).isEqualTo("ünïcode ✓");
      }
    }
    assertThatThrownBy(() -> DriverManager.getConnection(url, TestPostgres.username(), TestPostgres.password()).close())
        .isInstanceOf(SQLException.class);
  }

  private static String one(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
